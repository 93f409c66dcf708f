#include "whiteboard.h"
