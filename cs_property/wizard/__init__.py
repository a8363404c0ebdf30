from . import cs_property_repair_reschedule
from . import cs_property_repair_number_check
