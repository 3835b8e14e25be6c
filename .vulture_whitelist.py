"""Names vulture can't see being used: Django, DRF, Celery and the suite read them by name.

Vulture matches by name across the whole code base, so one line here covers every definition
with that name. Add a name only with the reason it is used; a definition nothing uses is deleted.
Registration decorators (admin, routes, tasks, receivers, checks) are listed in pyproject.toml.
"""

from vulture.whitelist_utils import Whitelist

_ = Whitelist()

# --- Django settings: read by Django and its apps through django.conf.settings --------------------
_.ASGI_APPLICATION
_.AUTH_PASSWORD_VALIDATORS
_.CSRF_COOKIE_SECURE
_.CSRF_TRUSTED_ORIGINS
_.DEFAULT_AUTO_FIELD
_.INSTALLED_APPS
_.LANGUAGE_CODE
_.LOGIN_REDIRECT_URL
_.LOGIN_URL
_.LOGOUT_REDIRECT_URL
_.MIDDLEWARE
_.ROOT_URLCONF
_.SECURE_CONTENT_TYPE_NOSNIFF
_.SECURE_HSTS_INCLUDE_SUBDOMAINS
_.SECURE_HSTS_PRELOAD
_.SECURE_HSTS_SECONDS
_.SECURE_PROXY_SSL_HEADER
_.SECURE_REDIRECT_EXEMPT
_.SECURE_SSL_REDIRECT
_.SESSION_COOKIE_HTTPONLY
_.SESSION_COOKIE_SECURE
_.STATICFILES_DIRS
_.STATIC_ROOT
_.STATIC_URL
_.STORAGES
_.TEMPLATES
_.TIME_ZONE
_.USE_I18N
_.USE_TZ
_.WSGI_APPLICATION
# Third-party settings: DRF, drf-spectacular, WhiteNoise.
_.REST_FRAMEWORK
_.SPECTACULAR_SETTINGS
_.WHITENOISE_USE_FINDERS
# Celery reads the CELERY_ namespace (config/celery.py: config_from_object(namespace="CELERY")).
_.CELERY_ACCEPT_CONTENT
_.CELERY_BEAT_SCHEDULER
_.CELERY_BROKER_TRANSPORT_OPTIONS
_.CELERY_TASK_ACKS_LATE
_.CELERY_TASK_ALWAYS_EAGER
_.CELERY_TASK_EAGER_PROPAGATES
_.CELERY_TASK_IGNORE_RESULT
_.CELERY_TASK_REJECT_ON_WORKER_LOST
_.CELERY_TASK_SERIALIZER
_.CELERY_TIMEZONE
_.CELERY_WORKER_HIJACK_ROOT_LOGGER
_.CELERY_WORKER_PREFETCH_MULTIPLIER
# Celery app configuration attributes (config/celery.py).
_.task_default_queue
_.task_queues
# Read with getattr(settings, name): conversions/mapping.py (per-platform overrides) and
# sandbox/demo.py (which upstream base URLs point at the sandbox).
_.GOOGLE_ADS_EVENT_ACTIONS
_.META_EVENT_ACTIONS
_.TIKTOK_EVENT_ACTIONS
_.TELEGRAM_API_BASE
# WSGI/ASGI entry points, named by WSGI_APPLICATION / ASGI_APPLICATION and the servers.
_.application

# --- Classes named by dotted path in settings -----------------------------------------------------
# AppConfig subclasses (found by INSTALLED_APPS) and their attributes.
_.ConversionsConfig
_.CoreConfig
_.GmvmaxConfig
_.SandboxConfig
_.ShopSyncConfig
_.TiktokAdsConfig
_.verbose_name
_.verbose_name_plural
# MIDDLEWARE, TEMPLATES' context processors, LOGGING's filters.
_.CorrelationIdMiddleware
_.TenantMiddleware
_.tenancy
_.ContextFilter
_.MaskPiiFilter
_.msg  # LogRecord.msg, rewritten by MaskPiiFilter
# REST_FRAMEWORK: authentication, permission, exception handler, pagination.
_.ApiKeyAuthentication
_.TenantSessionAuthentication
_.TenantRolePermission
_.api_exception_handler
_.authenticate
_.authenticate_header
_.has_permission
_.is_anonymous  # Django's user protocol, on the API-key principal
_.max_page_size
_.page_size_query_param
# drf-spectacular: OpenApiAuthenticationExtension subclasses register themselves.
_.ApiKeyScheme
_.TenantSessionScheme
_.target_class
_.get_security_definition
_.auto_schema

# --- Hooks Django, DRF and libraries call by name -------------------------------------------------
# Class-based views and URL namespaces.
_.template_name
_.context_object_name
_.paginate_by
_.http_method_names
_.app_name
_.get_template_names
# DRF views, viewsets and serializers.
_.authentication_classes
_.permission_classes
_.pagination_class
_.filterset_class
_.get_serializer_class
_.perform_create
_.partial_update
_.destroy
_.lookup_value_converter
_.validate
_.validate_eventTime
_.to_internal_value
# Meta classes (models, forms, serializers, filter sets) and model/manager options.
_.Meta
_.abstract
_.use_in_migrations
# Model fields: from_db_value is Django's field hook.
_.from_db_value
# Management commands: Django loads `Command` from management/commands/<name>.py.
_.Command
_.help
_.add_arguments
# Admin options and hooks (ModelAdmin, inlines, list filters, AdminSite, form fields).
_.actions
_.can_delete
_.date_hierarchy
_.field_choices
_.get_readonly_fields
_.has_add_permission
_.has_delete_permission
_.has_module_permission
_.inlines
_.list_display
_.list_filter
_.list_select_related
_.lookups
_.parameter_name
_.prepopulated_fields
_.readonly_fields
_.search_fields
_.short_description
_.show_change_link
_.show_full_result_count
_.site_header
_.site_title
_.help_text
_.widget
# Admin and page form field cleaners: Django calls clean_<field>().
_.clean_faults
_.clean_options
_.clean_keywords  # shop_sync/forms.py BrandRuleForm
# Arguments a framework signature requires: system checks, signal receivers, list filters,
# context managers' __exit__, Field.from_db_value, spectacular extensions.
_.app_configs
_.sender
_.model_admin
_.exc_info
_.expression
# pybreaker calls its listeners' state_change().
_.state_change
# socketserver reads request_queue_size; Django marks a logged response with _has_been_logged.
_.request_queue_size
_._has_been_logged

# --- Read by name from templates and serializers --------------------------------------------------
# Model fields (columns): shown by templates, listed in serializers' and admin's field lists.
_.buyer_user_id
_.cancelled_orders
_.claim_token
_.claimed_at
_.connected_by
_.display_status
_.fetched_at
_.heartbeat_at
_.gross_revenue
_.inventory_quantity
_.last_active_at
_.last_error_at
_.last_full_run
_.last_full_sync_at
_.last_full_sync_orders
_.last_incremental_orders
_.last_incremental_sync_at
_.launched_time
_.live_status
_.net_cost
_.next_attempt_at
_.orders_count
_.original_price
_.product_clicks
_.product_impressions
_.recipient_region
_.response_code
_.sale_price
_.seller_type
_.sent_at
_.status_reason
_.synced_at
_.tax
_.used_at
# Choices members, stored and compared by value.
_.PAUSED
_.TEST
# Serializer fields (the API's JSON keys, several in the seed's camelCase) and their
# SerializerMethodField getters.
_.accountName
_.average_order_value
_.average_unit_price
_.campaignId
_.campaignName
_.connection_status
_.delivery_ids
_.elapsed_seconds
_.endDate
_.eventId
_.eventName
_.eventTime
_.externalId
_.fetch
_.finishedAt
_.gmv_change
_.gmv_share
_.last_run
_.launchedTime
_.liveDuration
_.liveName
_.liveSessions
_.liveStatus
_.metadata
_.nextAttemptAt
_.orders_change
_.pageReferrer
_.pageUrl
_.previous_orders
_.rate_per_second
_.requestBody
_.requestedAt
_.responseBody
_.responseCode
_.roomId
_.sentAt
_.shopNumber
_.shop_name
_.skipped
_.startDate
_.startedAt
_.stored_orders
_.userAgent
_.advertiserId  # gmvmax's backfill answer (the sync-run move): run, missing spans, progress
_.createdAt
_.pagesDone
_.partsDone
_.partsTotal
_.rowsDone
_.get_created_by
_.get_email
_.get_ip
_.get_phone
_.get_requestBody
_.get_responseBody
_.get_status
_.lines_list  # shop_sync/api.py sets it for OrderDetailSerializer's `lines` (source="lines_list")
# Result dataclasses read by templates and serializers: the overview page (core/selectors.py),
# KPIs and sync status (shop_sync/selectors), destination health and delivery runs (conversions).
_.members
_.api_keys_active
_.runs_by_state
_.calls_by_outcome
_.calls_total
_.running_progress
_.last_run_progress
_.breaker_state
_.breaker_retry_in
_.held
_.dead
_.batches
# Conversions pages: a delivery's state in words, the destination form's field groups.
_.explanation
_.credential_fields
_.settings_fields
_.mapping_fields
# CallRecord: what one request() did, read from client.last_call by callers and the suite.
_.throttled

# The page components (core.tables, core.dateranges, core.charts, the overview), read by templates.
_.has_optional_columns
_.hidden
_.is_paginated
_.previous_url
_.next_url
_.hidden_inputs
_.jump_inputs
_.compare_label
_.span_label
_.x_label
_.small
_.data_id
_.missing_rates
_.onboarding
_.rows
_.headers
# core/schedule_list.html: whether the tenant changed a schedule's default.
_.customised

# --- Error codes and queues: used by value -------------------------------------------------------
# Error-code members: raised inline as code="..." (tests/core/test_error_codes.py holds every inline
# code to these tables) and answered to clients.
_.AUTHORIZATION_REFUSED
_.INVALID_PAYLOAD
_.MALFORMED_WEBHOOK
_.MISSING_DELIVERY_ID
_.NOT_CONFIGURED
_.NO_ADVERTISERS
_.NO_SHOPS
# Queue members: celery declares and runstack's worker consumes every member of core.queues.Queue.
_.BRAIN

# --- The suite's and bench's seams into product code -----------------------------------------------
# Registers a runner for a sync-run kind; the suite registers its own test kinds with it.
_.sync_register_runner
# One tenant's answer of schedule_due_tenant_ids (what the fan-outs call), for code that asks per
# tenant; tests/core/web/test_schedules.py pins the schedule arithmetic through it.
_.schedule_due
# Reset between tests by tests/fixtures/http.py.
_.breakers_reset
_.limiter_storage_reset
# Creates tenants for bench/ and the suite (the product creates them in the admin and the demo).
_.tenant_create
# sandbox/testing.py: the handle the `sandbox` fixtures yield (tests/fixtures/sandbox.py).
_.set_faults
_.clear_faults
_.set_latency
_.set_options
_.point_upstreams_at
_.shopee_accounts
_.shopee_auth_code
_.shopee_qr_confirm
_.shopee_connect
_.shopee_clock
# Shopee settings the product's client and live app read (integrations/shopee, built alongside).
_.SHOPEE_AUTHORIZE_URL
_.SHOPEE_REDIRECT_URI
_.SHOPEE_RATE_LIMIT
# sandbox/models.py: Shopee token fields the emulator reads and writes only through ORM lookups.
_.access_expires_at
_.refresh_used_at
# The emulators' truth, which tests compare the product's figures with.
_.campaign_day
_.rooms_for
_.room_totals
_.truth_line
_.ad_day
# sandbox/models.py BusinessObject.modified_at: the time of the last change, kept current by the emulator.
_.modified_at
# The seed toolkit emulators are written with (sandbox/README.md, "Adding an emulator").
_.LazySequence
_.full_name

# --- Not settled here --------------------------------------------------------------------------------
# implicit: the HTTP verbs of UpstreamClient (get/post/put/patch/delete) are one public set for the
# per-vendor clients, whichever verbs today's vendors happen to call.
_.put
_.patch
# implicit: ProductAnalytics.catalog_skus is read by the product page's "Catalogue SKUs" table.
_.catalog_skus
# shop_sync/labels.py: the wording of order and product statuses, for shop_sync/apps.py to declare
# as its AppConfig.labels.
_.LABELS

# --- Shopee (integrations/shopee, config) -------------------------------------------------------------
# shopee_live is not among vulture's paths: the wire methods and settings it calls look unused from
# here. The livestream and Seller Center methods are the wire surface the app's sync, API and pages
# use (docs/shopee_live.md).
_.SHOPEE_AUTHORIZE_URL
_.SHOPEE_REDIRECT_URI
_.SHOPEE_RATE_LIMIT
_.principal_ids
_.session_detail
_.session_item_metrics
_.create_session
_.update_session
_.start_session
_.end_session
_.item_list_page
_.item_count
_.show_item
_.add_items
_.update_items
_.delete_items
_.latest_comments
_.session_performance
_.realtime_sessions
_.live_history
_.dashboard_overview
_.dashboard_session_info
_.dashboard_trends
_.dashboard_products
_.qr_generate
_.creator_user_info
_.streaming_promotions
_.promotion_edit
_.item_promotions
_.item_promotion_detail
_.campaign_expense_today
_.ads_data
_.coin_start
_.coin_giveout
_.coin_reward_info
_.shop_live_status
# http.cookiejar calls a cookie policy's set_ok.
_.set_ok
# socketserver.StreamRequestHandler reads it (sandbox_serve).
_.disable_nagle_algorithm

# Shopee Live: model fields and choices read by templates, serializers and the admin; dataclass
# fields the templates show; the AppConfig Django loads; a view factory's __qualname__.
_.__qualname__
_.ShopeeLiveConfig
_.VN
_.TH
_.MY
_.PH
_.SG
_.current_viewers
_.add_to_cart
_.new_followers
_.campaign_budget
_.discount_percentage
_.item_clicks
_.quantity_sold
_.total_commission
_.entering
_.DISCARDED
_.imported_at
_.expired
_.seller_center
_.sparkline_peak
_.studio_name
_.total_sessions
_.roi_percentage
_.qrcode_image
_.as_of
_.file

# Wire methods for the video upload and lead pipelines of tiktok_ads (exercised by the suite
# against the sandbox): integrations/tiktok_business/files.py, leads.py, openai_audio/client.py.
_.video_upload_file
_.video_upload_url
_.video_info
_.lead_subscribe
_.lead_subscriptions
_.lead_unsubscribe
_.lead_mock_create
_.transcribe
# --- tiktok_ads directions, ad accounts and actions: serializer fields and get_<field> methods DRF
# reads by name, form fields the direction form's template renders, ``record.diff`` the action log
# template reads.
_.ui_platform
_.default_settings
_.tiktok_target_cpl_kzt
_.tiktok_pixel_id
_.tiktok_identity_id
_.tiktok_page_id
_.get_platform
_.get_ui_platform
_.tiktok_business_id
_.advertiser_name
_.autopilot_tiktok
_.get_currency
_.get_tiktok_account_id
_.diff
_.get_diff
# tiktok_ads campaign builder: request serializer fields DRF reads
_.landing_page_url
_.accountId
_.with_adgroup

# tiktok_ads: the app's error codes (raised inline as strings, listed in its code table) and model
# fields and choices read by Django, DRF and templates by name.
_.BAD_OBJECTIVE
_.CAMPAIGN_DELETED
_.CAROUSEL
_.CREATIVE_NOT_LAUNCHABLE
_.IDEMPOTENCY_CONFLICT
_.IMAGE
_.INVALID_AD_ACCOUNT_ID
_.INVALID_DIRECTION_ID
_.INVALID_HEADER
_.INVALID_MEDIA_TYPE
_.INVALID_METADATA
_.INVALID_UPLOAD_ID
_.INVALID_UPLOAD_LENGTH
_.MISSING_CHALLENGE
_.NOTHING_TO_LAUNCH
_.NO_ADGROUP
_.NO_ADGROUP_AVAILABLE
_.NO_ADVERTISER
_.NO_AD_ACCOUNT
_.NO_BUDGET
_.NO_CAMPAIGN
_.NO_DIRECTION
_.NO_INSTANT_FORM
_.NO_LANDING_PAGE
_.NO_PIXEL
_.OFFSET_MISMATCH
_.TIKTOK_LEAD
_.UNKNOWN_CURRENCY
_.UPLOAD_BUSY
_.UPLOAD_COMPLETE
_.UPLOAD_INTERRUPTED
_.UPLOAD_NOT_FOUND
_.UPLOAD_TOO_LARGE
_.UPSTREAM_NO_ID
_.UPSTREAM_SHORT
_.WRONG_AD_ACCOUNT
_.WRONG_PLATFORM
_.ad_status_update
_.ad_update
_.adgroup_update
_.adgroups
_.ads_count
_.campaign_update
_.creative_group_id
# Business API management calls: the actions registry calls the list and status methods by name
# (getattr); the update calls complete the wire client for the autopilot.
_.campaign_update
_.adgroups
_.adgroup_update
_.ad_update
_.ad_status_update

# Wire methods for the video upload and lead pipelines of tiktok_ads (exercised by the suite
# against the sandbox): integrations/tiktok_business/files.py, leads.py, openai_audio/client.py.
_.video_upload_file
_.video_upload_url
_.video_info
_.lead_subscribe
_.lead_subscriptions
_.lead_unsubscribe
_.lead_mock_create
_.transcribe
_.VIDEO_SOURCE_MISSING
# core/cache.py: Django calls the cache backend's client by these names (CACHES BACKEND setting).
_.SharedClientRedisCache
_.get_client
_._class
# --- autopilot: model fields and choices read by the ORM, templates and filters; DRF serializer
# fields and get_<field> methods; form clean_<field> hooks; Django's mail settings; sort keys of tables.
_.ad_account_name  # autopilot/api/history.py
_.action_counts  # autopilot/api/history.py
_.get_ad_account_name  # autopilot/api/history.py
_.get_health  # autopilot/api/history.py
_.get_action_counts  # autopilot/api/history.py
_.spendWithoutRate  # autopilot/api/roi.py
_.storedLeads  # autopilot/api/roi.py
_.revenueWithoutRate  # autopilot/api/roi.py
_.uiPlatform  # autopilot/api/roi.py
_.fromDate  # autopilot/api/roi.py
_.to  # autopilot/api/roi.py
_.groupBy  # autopilot/api/roi.py
_.shopRevenue  # autopilot/api/roi.py
_.missingRates  # autopilot/api/roi.py
_.clean_window_days  # autopilot/forms.py
_.clean_slow_days  # autopilot/forms.py
_.clean_quiet_minutes  # autopilot/forms.py
_.clean_telegram_bot_token  # autopilot/forms.py
_.clean_telegram_chat_id  # autopilot/forms.py
_.clean_emails  # autopilot/forms.py
_.video_views  # autopilot/models.py
_.dispatched_at  # autopilot/models.py
_.ROAS  # autopilot/models.py
_.ABOVE  # autopilot/models.py
_.last_evaluated_at  # autopilot/models.py
_.is_open  # autopilot/models.py
_.first_seen_at  # autopilot/models.py
_.last_seen_at  # autopilot/models.py
_.resolved_at  # autopilot/models.py
_.digested_on  # autopilot/models.py
_.spend_value  # autopilot/selectors/roi.py
_.revenue_value  # autopilot/selectors/roi.py
_.has_advertiser  # autopilot/selectors/settings.py
_.autopilot  # autopilot/selectors/settings.py
_.direction_target_cpl  # autopilot/selectors/settings.py
_.status_url  # autopilot/serializers.py
_.EMAIL_BACKEND  # config/settings.py
_.EMAIL_HOST  # config/settings.py
_.EMAIL_PORT  # config/settings.py
_.EMAIL_HOST_USER  # config/settings.py
_.EMAIL_HOST_PASSWORD  # config/settings.py
_.EMAIL_USE_TLS  # config/settings.py
_.AutopilotConfig  # autopilot/apps.py (INSTALLED_APPS)
_.movable_order_count  # sandbox/emulators/tiktok_shop/changes.py: the sync tests ask how many orders can move today
