// What access points and Object Lambda access points share in S3 Control: their policy and
// policyStatus sub-resources, and listing by name a page at a time.
#pragma once
#include <functional>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "emulator/http/message.h"

namespace bf {

// GET/PUT/DELETE .../policy and GET .../policyStatus of one that exists, whose policy is
// `policy`; `set_policy` stores one ("" removes it) and is false when it went meanwhile.
// `suffix` is "" or "ForObjectLambda": it ends the operations' names and their XML roots.
HttpResponse access_point_policy_request(const HttpRequest& request, const std::string& body, std::string_view sub,
                                         const std::string& policy,
                                         const std::function<bool(const std::string&)>& set_policy,
                                         const std::string& suffix);

// At most `max` of `all` (listed by name) after the name `token` (when given), those `keep`
// says yes to, and the token of the next page ("" when this is the last).
template <typename Point, typename Keep>
std::pair<std::vector<Point>, std::string> page_by_name(std::vector<Point> all, const std::string* token,
                                                        std::size_t max, Keep keep) {
  std::vector<Point> page;
  for (auto& point : all) {
    if (!keep(point) || (token && point.name <= *token)) continue;
    if (page.size() == max) {
      std::string next = page.back().name;
      return {std::move(page), std::move(next)};
    }
    page.push_back(std::move(point));
  }
  return {std::move(page), ""};
}

}  // namespace bf
