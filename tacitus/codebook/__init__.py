"""CAMEO and PLOVER codebooks: what a coded event's numbers and names mean.

The coder fills every event record's `goldstein`, `quad_class`, `event`, `mode` and `context`
from here. The knowledge itself lives in `tacitus/data/cameo/` and `tacitus/data/plover/`; this
package only reads it (once, lazily) and answers lookups.
"""

from tacitus.codebook.cameo import (
    ActorType,
    CameoEvent,
    actor_type_plover_code,
    actor_type_sector,
    actor_types,
    cameo_event,
    cameo_events,
    cameo_root,
    is_cameo_code,
    quad_class_for,
)
from tacitus.codebook.plover import (
    PloverMapping,
    PloverMode,
    PloverType,
    cameo_to_plover,
    plover_contexts,
    plover_for_cameo,
    plover_international_codes,
    plover_mode,
    plover_score,
    plover_sectors,
    plover_types,
)

__all__ = [
    "ActorType",
    "CameoEvent",
    "PloverMapping",
    "PloverMode",
    "PloverType",
    "actor_type_plover_code",
    "actor_type_sector",
    "actor_types",
    "cameo_event",
    "cameo_events",
    "cameo_root",
    "cameo_to_plover",
    "is_cameo_code",
    "plover_contexts",
    "plover_for_cameo",
    "plover_international_codes",
    "plover_mode",
    "plover_score",
    "plover_sectors",
    "plover_types",
    "quad_class_for",
]
