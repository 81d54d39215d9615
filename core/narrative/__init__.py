"""The 情况说明 (第三部分 of a published 部门决算): drafted from the tables, a written one checked against them."""

from core.narrative.check import NarrativeCheck, check_narrative
from core.narrative.draft import NarrativeDraft, draft_narrative

__all__ = ["NarrativeCheck", "NarrativeDraft", "check_narrative", "draft_narrative"]
