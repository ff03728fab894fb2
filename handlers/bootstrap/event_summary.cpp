// The event-summary handler as a Lambda bootstrap (provided.al2023): the same function the
// emulator runs in-process, inside the Runtime API loop.
#include "handlers/samples/samples.h"
#include "sdk/runtime.h"

int main() { return bf::serve(bf::s3_handler(bf::samples::event_summary)); }
