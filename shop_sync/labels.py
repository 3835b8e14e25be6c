"""How the TikTok Shop pages word the platform's codes, for ``shop_sync.apps`` to declare as
``labels`` (pages read them with ``{{ code|label:"order_status" }}``). The API and exports keep
the codes."""

LABELS = {
    "order_status": {
        "UNPAID": "Unpaid",
        "ON_HOLD": "On hold",
        "AWAITING_SHIPMENT": "Awaiting shipment",
        "PARTIALLY_SHIPPING": "Partly shipped",
        "AWAITING_COLLECTION": "Awaiting collection",
        "IN_TRANSIT": "In transit",
        "DELIVERED": "Delivered",
        "COMPLETED": "Completed",
        "CANCELLED": "Cancelled",
    },
    "product_status": {
        "DRAFT": "Draft",
        "PENDING": "Under review",
        "FAILED": "Rejected",
        "ACTIVATE": "Live",
        "SELLER_DEACTIVATED": "Deactivated by seller",
        "PLATFORM_DEACTIVATED": "Deactivated by TikTok",
        "FREEZE": "Frozen",
        "DELETED": "Deleted",
    },
    "sync_kind": {
        "shop_sync.orders_full": "Full order sync",
        "shop_sync.orders_incremental": "Order update",
    },
}
