"""``python -m tools.bundle``：生成离线安装包，见本包的说明。"""

import sys

from . import main

sys.exit(main())
