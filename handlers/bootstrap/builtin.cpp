// Every sample handler in one Lambda bootstrap: the function's Handler setting (_HANDLER)
// picks which, so one package serves all of them (`bucketfire export sam` points there).
#include "handlers/bootstrap/serve_by_name.h"
#include "handlers/samples/samples.h"

int main() { return bf::serve_by_name(bf::samples::handlers(), "built-in"); }
