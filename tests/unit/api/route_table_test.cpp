#include "emulator/api/route_table.h"

#include <gtest/gtest.h>

namespace bf {
namespace {

RouteTable table(std::initializer_list<const char*> keys) {
  RouteTable t;
  for (const char* key : keys) {
    std::string error;
    auto route = parse_route(key, error);
    EXPECT_TRUE(route) << key << ": " << error;
    route->function = key;
    t.add(*route);
  }
  return t;
}

std::string chosen(const RouteTable& t, const std::string& method, const std::string& path) {
  auto m = t.match(method, path);
  return m ? m->route->route_key : "(none)";
}

TEST(RouteTable, MostSpecificMatchWins) {
  RouteTable t = table({"GET /pets", "GET /pets/{id}", "ANY /pets/dog", "GET /pets/dog",
                        "ANY /{proxy+}", "POST /pets/{id}/photos", "GET /files/{path+}", "$default"});
  EXPECT_EQ(chosen(t, "GET", "/pets"), "GET /pets");
  EXPECT_EQ(chosen(t, "GET", "/pets/7"), "GET /pets/{id}");
  EXPECT_EQ(chosen(t, "GET", "/pets/dog"), "GET /pets/dog");      // literal, named method
  EXPECT_EQ(chosen(t, "DELETE", "/pets/dog"), "ANY /pets/dog");   // literal beats a variable
  EXPECT_EQ(chosen(t, "POST", "/pets/7/photos"), "POST /pets/{id}/photos");
  EXPECT_EQ(chosen(t, "GET", "/files/a/b/c.txt"), "GET /files/{path+}");
  EXPECT_EQ(chosen(t, "PUT", "/anything/else"), "ANY /{proxy+}");
  EXPECT_EQ(chosen(t, "GET", "/"), "$default");  // a greedy variable needs at least one segment
}

TEST(RouteTable, PathParameters) {
  RouteTable t = table({"GET /users/{user}/posts/{post}", "GET /static/{rest+}"});
  auto m = t.match("GET", "/users/ada/posts/12");
  ASSERT_TRUE(m);
  EXPECT_EQ(m->path_parameters.at("user"), "ada");
  EXPECT_EQ(m->path_parameters.at("post"), "12");
  m = t.match("GET", "/static/css/site.css");
  ASSERT_TRUE(m);
  EXPECT_EQ(m->path_parameters.at("rest"), "css/site.css");
  EXPECT_FALSE(t.match("POST", "/users/ada/posts/12"));
  EXPECT_FALSE(t.match("GET", "/users/ada"));
}

TEST(RouteTable, MalformedRoutes) {
  std::string error;
  EXPECT_FALSE(parse_route("FETCH /x", error));
  EXPECT_FALSE(parse_route("GET x", error));
  EXPECT_FALSE(parse_route("GET /{a+}/b", error));
  EXPECT_FALSE(parse_route("GET", error));
  EXPECT_TRUE(parse_route("$default", error));
}

}  // namespace
}  // namespace bf
