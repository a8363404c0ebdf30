from . import cs_property_repair_report
