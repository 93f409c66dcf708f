/* config: under construction */
#include "config.h"
