from . import cs_property_repair_reschedule
from . import cs_property_repair_number_check
from . import cs_property_renovation_deposit_wizard
from . import cs_property_renovation_gate_check
from . import cs_property_qa_report_wizard
from . import cs_property_handover_early_start
from . import cs_property_account_move_reversal
from . import cs_property_correction_wizard
