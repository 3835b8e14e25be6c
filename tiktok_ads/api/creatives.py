"""Creatives API and the resumable video upload endpoint (tus 1.0 core protocol).

``/api/creatives/uploads/``: ``OPTIONS`` (what the server supports), ``POST`` with
``Upload-Length`` and ``Upload-Metadata`` (``filename``, ``ad_account_id``, ``title``,
``direction_id``, base64 values) creates an upload and its creative (201, ``Location``);
``/api/creatives/uploads/<uuid>``: ``HEAD`` reports ``Upload-Offset``, ``PATCH`` with
``Upload-Offset`` and ``Content-Type: application/offset+octet-stream`` appends the body (204 and the
new offset; 409 when the offset is not the server's), ``GET`` is the upload's state as JSON. POST,
HEAD and PATCH carry ``Tus-Resumable: 1.0.0`` (412 otherwise; checked after the lookup, so a
foreign upload is a 404 either way).
"""

from __future__ import annotations

import base64
import binascii

from django.conf import settings
from django.urls import reverse
from drf_spectacular.utils import extend_schema, extend_schema_view
from rest_framework import mixins, status
from rest_framework.response import Response

from core.api.viewsets import TenantScopedAPIView, TenantScopedGenericViewSet
from core.exceptions import ApplicationError
from core.models import Role
from tiktok_ads import selectors, services
from tiktok_ads.api.advertisers import TAG
from tiktok_ads.models import Creative
from tiktok_ads.serializers import CreativeSerializer, VideoUploadSerializer

TUS_HEADERS = {"Tus-Resumable": services.TUS_VERSION}
OFFSET_CONTENT_TYPE = "application/offset+octet-stream"


@extend_schema_view(
    list=extend_schema(summary="Creatives (newest first)", tags=[TAG]),
    retrieve=extend_schema(summary="One creative with its upload and transcription status", tags=[TAG]),
    create=extend_schema(
        summary="Add a creative: a TikTok video id, a media URL, or (for other platforms) an image or carousel",
        description="TikTok runs video creatives only: an image or carousel for a TikTok direction is a 400.",
        tags=[TAG],
    ),
)
class CreativeViewSet(mixins.ListModelMixin, mixins.RetrieveModelMixin, mixins.CreateModelMixin, TenantScopedGenericViewSet):
    model = Creative
    serializer_class = CreativeSerializer

    def get_base_queryset(self):
        return selectors.creatives_for_tenant(self.request.tenant)

    def perform_create(self, serializer):
        serializer.instance = services.creative_create(tenant=self.request.tenant, **serializer.validated_data)


def _header_int(request, name: str) -> int | None:
    raw = request.headers.get(name)
    if raw is None:
        return None
    if not raw.strip().isdigit():
        raise ApplicationError(f"{name} must be a non-negative integer.", code="invalid_header")
    return int(raw)


def parse_metadata(raw: str) -> dict[str, str]:
    """``Upload-Metadata``: comma-separated ``key base64value`` pairs (the value may be absent)."""
    metadata: dict[str, str] = {}
    for pair in filter(None, (part.strip() for part in (raw or "").split(","))):
        key, _, value = pair.partition(" ")
        try:
            metadata[key] = base64.b64decode(value.strip(), validate=True).decode("utf-8") if value.strip() else ""
        except (binascii.Error, UnicodeDecodeError):
            raise ApplicationError(f"Upload-Metadata value of {key!r} is not base64 UTF-8.", code="invalid_metadata") from None
    return metadata


def _require_tus(request) -> None:
    """After the lookup, so an unknown or foreign upload is a 404 whatever the headers."""
    if request.headers.get("Tus-Resumable") != services.TUS_VERSION:
        raise ApplicationError("Send Tus-Resumable: 1.0.0.", code="tus_version", status=412)


class TusMixin:
    read_role = Role.ADMIN

    def finalize_response(self, request, response, *args, **kwargs):
        response = super().finalize_response(request, response, *args, **kwargs)
        for key, value in TUS_HEADERS.items():
            response[key] = value
        response["Cache-Control"] = "no-store"
        return response

    def options(self, request, *args, **kwargs):
        return Response(
            status=status.HTTP_204_NO_CONTENT,
            headers={
                "Tus-Version": services.TUS_VERSION,
                "Tus-Extension": "creation",
                "Tus-Max-Size": str(settings.VIDEO_UPLOAD_MAX_BYTES),
            },
        )


@extend_schema(tags=[TAG])
class VideoUploadCreateView(TusMixin, TenantScopedAPIView):
    @extend_schema(summary="Start a resumable video upload (tus creation)", request=None, responses={201: VideoUploadSerializer})
    def post(self, request):
        _require_tus(request)
        length = _header_int(request, "Upload-Length")
        if length is None:
            raise ApplicationError("Upload-Length is required (deferred length is not supported).", code="invalid_header")
        metadata = parse_metadata(request.headers.get("Upload-Metadata", ""))
        upload = services.upload_create(
            tenant=request.tenant,
            size=length,
            filename=metadata.get("filename", ""),
            ad_account_id=metadata.get("ad_account_id"),
            title=metadata.get("title", ""),
            direction_id=metadata.get("direction_id") or None,
            created_by=str(request.user),
        )
        location = request.build_absolute_uri(reverse("tiktok_ads-api:creative-upload-detail", args=[str(upload.upload_id)]))
        return Response(
            VideoUploadSerializer(upload).data, status=status.HTTP_201_CREATED, headers={"Location": location, "Upload-Offset": "0"}
        )


@extend_schema(tags=[TAG])
class VideoUploadDetailView(TusMixin, TenantScopedAPIView):
    @extend_schema(summary="A video upload's state (JSON)", responses=VideoUploadSerializer)
    def get(self, request, upload_id: str):
        return Response(VideoUploadSerializer(selectors.upload_get(request.tenant, upload_id)).data)

    @extend_schema(summary="The upload's offset (tus HEAD)", responses={200: None})
    def head(self, request, upload_id: str):
        upload = selectors.upload_get(request.tenant, upload_id)
        _require_tus(request)
        return Response(status=status.HTTP_200_OK, headers={"Upload-Offset": str(upload.offset), "Upload-Length": str(upload.size)})

    @extend_schema(summary="Append bytes at Upload-Offset (tus PATCH)", request=None, responses={204: None})
    def patch(self, request, upload_id: str):
        upload = selectors.upload_get(request.tenant, upload_id)
        _require_tus(request)
        if request.content_type.split(";")[0].strip() != OFFSET_CONTENT_TYPE:
            raise ApplicationError(f"Content-Type must be {OFFSET_CONTENT_TYPE}.", code="unsupported_media_type", status=415)
        offset = _header_int(request, "Upload-Offset")
        if offset is None:
            raise ApplicationError("Upload-Offset is required.", code="invalid_header")
        # The body is read from the raw request stream in chunks (never request.body).
        upload = services.upload_append(
            upload=upload, offset=offset, stream=request._request, length=_header_int(request, "Content-Length")
        )
        return Response(status=status.HTTP_204_NO_CONTENT, headers={"Upload-Offset": str(upload.offset)})
