// The reference pipeline's handlers in one Lambda bootstrap (build/packages/pipeline.zip):
// the function's Handler setting (_HANDLER) picks which, as builtin.cpp does for the samples.
#include "handlers/bootstrap/serve_by_name.h"
#include "handlers/pipeline/handlers.h"

int main() { return bf::serve_by_name(bf::pipeline::handlers(), "pipeline"); }
