#ifndef WHITEBOARD_H
#define WHITEBOARD_H
#endif
