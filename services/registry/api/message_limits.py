"""How large each RegistryService request may be, in bytes (see docs/security.md)."""

from services.common.message_sizes import KIB, SMALL_REQUEST_BYTES, ReceiveLimits
from services.registry.app.batch_checks import MAX_BATCH
from services.registry.domain.geometry import MAX_GEOJSON_LENGTH

# Everything of an asset but its geometry, at its largest: 64 labels of 256 characters, the
# texts, the spec, each character up to 4 bytes of UTF-8.
ASSET_FIELDS_BYTES = 96 * KIB
# An asset with the largest geometry allowed (GeoJSON is ASCII: numbers and punctuation).
MAX_ASSET_BYTES = MAX_GEOJSON_LENGTH + ASSET_FIELDS_BYTES
ENVELOPE_BYTES = 64 * KIB  # a request's own fields: parent, ids, masks
ONE_ASSET_BYTES = MAX_ASSET_BYTES + ENVELOPE_BYTES
# BatchUpsertAssets' 1,000 assets of the largest geometry; an ImportAssets batch of the same
# size holds its 10,000 assets when they average a tenth of that.
BATCH_BYTES = MAX_BATCH * MAX_ASSET_BYTES + ENVELOPE_BYTES

RECEIVE_LIMITS = ReceiveLimits(
    {
        "CreateAsset": ONE_ASSET_BYTES,
        "UpdateAsset": ONE_ASSET_BYTES,
        "BatchUpsertAssets": BATCH_BYTES,
        "ImportAssets": BATCH_BYTES,
    },
    default=SMALL_REQUEST_BYTES,
)
