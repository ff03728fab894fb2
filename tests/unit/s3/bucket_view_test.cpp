#include "emulator/s3/bucket_view.h"

#include <gtest/gtest.h>

#include "emulator/s3/cors.h"
#include "emulator/s3/versioning.h"
#include "tests/unit/support.h"

namespace bf {
namespace {

class BucketViewTest : public ::testing::Test {
 protected:
  void SetUp() override {
    auto opened = open_sqlite_store({":memory:"});
    ASSERT_TRUE(opened.ok());
    store_ = std::move(opened.value());
    ASSERT_TRUE(store_->buckets().create_bucket({"photos", "us-east-1", 1, "owner"}));
  }
  BucketStore& buckets() { return store_->buckets(); }
  std::unique_ptr<Store> store_;
};

TEST_F(BucketViewTest, StateIsOneImmutableSnapshotReplacedOnChange) {
  auto before = buckets().bucket_state("photos");
  ASSERT_TRUE(before);
  EXPECT_EQ(before->config(kVersioningConfigName), nullptr);
  ASSERT_TRUE(buckets().put_bucket_config("photos", kVersioningConfigName, "Enabled"));
  auto after = buckets().bucket_state("photos");
  EXPECT_NE(before, after);
  // The earlier snapshot is unchanged: a request that read it keeps a consistent bucket.
  EXPECT_EQ(before->config(kVersioningConfigName), nullptr);
  ASSERT_NE(after->config(kVersioningConfigName), nullptr);
  EXPECT_EQ(*after->config(kVersioningConfigName), "Enabled");
  EXPECT_EQ(buckets().bucket_state("missing"), nullptr);
}

TEST_F(BucketViewTest, ViewIsSharedUntilTheBucketChanges) {
  BucketViews views(buckets());
  auto first = views.find("photos");
  ASSERT_TRUE(first);
  EXPECT_EQ(first->name(), "photos");
  EXPECT_EQ(first->versioning, Versioning::Unversioned);
  EXPECT_EQ(first->cors, nullptr);
  EXPECT_EQ(first->notifications, nullptr);
  // Nothing changed: the same parsed view, not a new parse.
  EXPECT_EQ(views.find("photos"), first);

  ASSERT_TRUE(buckets().put_bucket_config("photos", kVersioningConfigName, "Suspended"));
  ASSERT_TRUE(buckets().put_bucket_config(
      "photos", kCorsConfigName,
      R"([{"id":"web","origins":["*"],"methods":["GET"],"headers":[],"expose":[]}])"));
  auto second = views.find("photos");
  ASSERT_TRUE(second);
  EXPECT_NE(second, first);
  EXPECT_EQ(second->versioning, Versioning::Suspended);
  ASSERT_TRUE(second->cors);
  ASSERT_EQ(second->cors->rules.size(), 1u);
  EXPECT_EQ(second->cors->rules[0].id, "web");
  EXPECT_EQ(views.find("photos"), second);
}

TEST_F(BucketViewTest, DeletedBucketHasNoView) {
  BucketViews views(buckets());
  ASSERT_TRUE(views.find("photos"));
  ASSERT_TRUE(buckets().delete_bucket("photos"));
  EXPECT_EQ(views.find("photos"), nullptr);
  EXPECT_EQ(views.find("never-created"), nullptr);
}

}  // namespace
}  // namespace bf
