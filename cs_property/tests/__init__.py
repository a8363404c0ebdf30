from . import test_registry
from . import test_occupancy
from . import test_access
from . import test_translations
from . import test_demo_and_performance
from . import test_sla
from . import test_complaint
from . import test_callback
