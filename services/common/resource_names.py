"""The patterns of the resource names both services read: `cities/{code}` and
`cities/{code}/assets/{asset_id}`."""

import re

CITY_CODE = r"[0-9]{6}"
ASSET_ID = r"[a-z0-9](?:[a-z0-9-]{0,61}[a-z0-9])?"
CITY_NAME = re.compile(rf"cities/({CITY_CODE})")
ASSET_NAME = re.compile(rf"cities/({CITY_CODE})/assets/({ASSET_ID})")
