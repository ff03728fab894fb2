// Batch Operations manifests: CSV lines with RFC 4180 quoting and URL-encoded keys, the field
// list deciding the columns, inventory manifests naming their data files and schema.
#include <gtest/gtest.h>

#include "emulator/batch/manifest.h"

namespace bf {
namespace {

std::vector<JobTask> tasks_of(std::string_view text, std::vector<std::string> fields) {
  auto parsed = parse_csv_manifest(text, fields);
  EXPECT_TRUE(std::holds_alternative<std::vector<JobTask>>(parsed)) << std::get<std::string>(parsed);
  return std::holds_alternative<std::vector<JobTask>>(parsed) ? std::get<std::vector<JobTask>>(parsed)
                                                              : std::vector<JobTask>{};
}

TEST(CsvManifest, DecodesKeysAndKeepsOrder) {
  const auto tasks = tasks_of("b1,photos/a%20b.jpg\r\n\nb2,\"x,y+z\"\n", {"Bucket", "Key"});
  ASSERT_EQ(tasks.size(), 2u);
  EXPECT_EQ((std::vector<std::string>{tasks[0].bucket, tasks[0].key, tasks[1].bucket, tasks[1].key}),
            (std::vector<std::string>{"b1", "photos/a b.jpg", "b2", "x,y z"}));
  EXPECT_EQ(tasks[1].seq, 1);
}

TEST(CsvManifest, FieldListPlacesColumnsAndVersions) {
  const auto tasks = tasks_of("skip,b,k,v1\n", {"Ignore", "Bucket", "Key", "VersionId"});
  ASSERT_EQ(tasks.size(), 1u);
  EXPECT_EQ(tasks[0].version_id, "v1");
}

TEST(CsvManifest, ShortLinesAndBadEscapesAreRefusedWithTheLine) {
  auto short_line = parse_csv_manifest("b,k\nonly-a-bucket\n", {"Bucket", "Key"});
  ASSERT_TRUE(std::holds_alternative<std::string>(short_line));
  EXPECT_NE(std::get<std::string>(short_line).find("line 2"), std::string::npos);
  EXPECT_TRUE(std::holds_alternative<std::string>(parse_csv_manifest("b,%zz\n", {"Bucket", "Key"})));
  EXPECT_TRUE(std::holds_alternative<std::string>(parse_csv_manifest("b,k\n", {"Key"})));
}

TEST(CsvManifest, WrittenFieldsReadBack) {
  EXPECT_EQ(csv_field("plain"), "plain");
  EXPECT_EQ(csv_field("a,\"b\""), "\"a,\"\"b\"\"\"");
  EXPECT_EQ(split_csv_line(csv_field("a,\"b\"") + ",x"), (std::vector<std::string>{"a,\"b\"", "x"}));
}

TEST(InventoryManifest, SchemaAndFiles) {
  auto parsed = parse_inventory_manifest(
      R"({"destinationBucket":"arn:aws:s3:::inv","fileFormat":"CSV","fileSchema":"Bucket, Key, Size",)"
      R"("files":[{"key":"data/1.csv.gz","size":10,"MD5checksum":"x"}]})");
  ASSERT_TRUE(std::holds_alternative<InventoryManifest>(parsed));
  const auto& m = std::get<InventoryManifest>(parsed);
  EXPECT_EQ(m.destination_bucket, "inv");
  EXPECT_EQ(m.schema, (std::vector<std::string>{"Bucket", "Key", "Size"}));
  auto rows = parse_inventory_rows("\"src\",\"a%2Fb\",\"10\"\n", m.schema, 5);
  ASSERT_TRUE(std::holds_alternative<std::vector<JobTask>>(rows));
  const auto& t = std::get<std::vector<JobTask>>(rows).at(0);
  EXPECT_EQ((std::vector<std::string>{t.bucket, t.key}), (std::vector<std::string>{"src", "a/b"}));
  EXPECT_EQ(t.seq, 5);
  EXPECT_TRUE(std::holds_alternative<std::string>(parse_inventory_manifest(R"({"fileFormat":"ORC"})")));
}

}  // namespace
}  // namespace bf
