"""Emitters: every format reads the same Report; personal data masked unless revealed."""

from ..masking import mask, mask_spans
from .render import Totals, error_dict, finding_dict, report_dict, sarif_log, text_lines, to_json_line

__all__ = [
    "error_dict", "finding_dict", "mask", "mask_spans", "report_dict", "sarif_log", "text_lines",
    "to_json_line", "Totals",
]
