// The one AWS account everything here belongs to: every set of credentials the server knows is
// this account, and its ARNs, owner checks and policies name it.
#pragma once

namespace bf {

inline constexpr const char* kAccountId = "000000000000";

}  // namespace bf
