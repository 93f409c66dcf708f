#include "fakebz.h"
