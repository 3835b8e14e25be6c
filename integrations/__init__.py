"""Wire protocols, one package per vendor: signing, envelopes, paging and the platform's error
codes, on ``core.http.UpstreamClient``. No models, no tenancy decisions, no Django settings and
no imports of the apps: an app's thin client wrapper fills in its settings, the tenant its calls
are logged to and the credentials (which know how to renew themselves). See ``README.md``."""
