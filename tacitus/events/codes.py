"""What a CAMEO event code means in the record: PLOVER type, mode, context, Goldstein, quad.

Codes the CAMEO codebook does not know (PETRARCH test dictionaries use private codes such as
"345") keep their string and get no score, rather than being coerced into a real code. Codes
outside GDELT's list that the crosswalk lists on a line of their own (176, cyber attack) are
real event codes: they get their PLOVER type and their root's quad class, but no Goldstein
score (GDELT gives them none).
"""

from __future__ import annotations

from dataclasses import dataclass

from tacitus.codebook import cameo_event, cameo_to_plover, plover_for_cameo, quad_class_for


@dataclass(frozen=True)
class CodeDescription:
    event: str | None
    mode: str | None
    context: tuple[str, ...]
    goldstein: float | None
    quad_class: int | None


def describe_code(code: str) -> CodeDescription:
    known = cameo_event(code) or (cameo_event(code[:3]) if len(code) > 3 else None)
    listed = code in cameo_to_plover()
    mapping = plover_for_cameo(code) if known or listed else None
    quad_class = known.quad_class if known else (quad_class_for(code) if listed else None)
    return CodeDescription(
        event=mapping.event if mapping else None,
        mode=mapping.mode if mapping else None,
        context=mapping.context if mapping else (),
        goldstein=known.goldstein if known else None,
        quad_class=quad_class,
    )
