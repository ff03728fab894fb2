// The copy handler as a Lambda bootstrap: its S3 calls go wherever AWS_ENDPOINT_URL (or AWS
// itself) says, with the credentials Lambda puts in the environment.
#include "handlers/samples/samples.h"
#include "sdk/runtime.h"

int main() { return bf::serve(bf::s3_handler(bf::samples::copy)); }
