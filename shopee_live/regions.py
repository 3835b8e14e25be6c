"""What each Shopee market is: currency, the web domain its share links and product URLs use,
and the time zone its days are counted in. One table; nothing else spells these out."""

from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True)
class Market:
    code: str
    currency: str
    domain: str
    time_zone: str


MARKETS = {
    "ID": Market("ID", "IDR", "co.id", "Asia/Jakarta"),
    "VN": Market("VN", "VND", "vn", "Asia/Ho_Chi_Minh"),
    "TH": Market("TH", "THB", "co.th", "Asia/Bangkok"),
    "MY": Market("MY", "MYR", "com.my", "Asia/Kuala_Lumpur"),
    "PH": Market("PH", "PHP", "ph", "Asia/Manila"),
    "SG": Market("SG", "SGD", "sg", "Asia/Singapore"),
}


def market(region: str) -> Market:
    return MARKETS[region.upper()]


def share_link(*, region: str, session_id: str, share_user_id: str | int) -> str:
    """The live share link as Shopee builds it (the seed's ``share-link``), on the region's host."""
    return f"https://live.shopee.{market(region).domain}/share?from=live&session={session_id}&share_user_id={share_user_id}"


def product_url(*, region: str, shop_id: str | int, item_id: str | int) -> str:
    return f"https://shopee.{market(region).domain}/product/{shop_id}/{item_id}"
