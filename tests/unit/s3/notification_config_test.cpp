#include "emulator/s3/notification_config.h"

#include <gtest/gtest.h>

namespace bf {
namespace {

std::optional<std::string> known(const std::string& arn) {
  for (const char* name : {"thumb", "index"})
    if (arn.ends_with(std::string(":function:") + name)) return std::string(name);
  return std::nullopt;
}

std::string doc(const std::string& body) {
  return R"(<NotificationConfiguration xmlns="http://s3.amazonaws.com/doc/2006-03-01/">)" + body +
         "</NotificationConfiguration>";
}

std::string rule(const std::string& id, const std::string& fn, const std::string& event,
                 const std::string& prefix = "", const std::string& suffix = "") {
  std::string filter;
  if (!prefix.empty() || !suffix.empty()) {
    filter = "<Filter><S3Key>";
    if (!prefix.empty()) filter += "<FilterRule><Name>prefix</Name><Value>" + prefix + "</Value></FilterRule>";
    if (!suffix.empty()) filter += "<FilterRule><Name>Suffix</Name><Value>" + suffix + "</Value></FilterRule>";
    filter += "</S3Key></Filter>";
  }
  return "<CloudFunctionConfiguration>" + (id.empty() ? "" : "<Id>" + id + "</Id>") +
         "<CloudFunction>arn:aws:lambda:us-east-1:000000000000:function:" + fn +
         "</CloudFunction><Event>" + event + "</Event>" + filter + "</CloudFunctionConfiguration>";
}

std::string error_of(const std::string& xml) {
  auto parsed = parse_notification_xml(xml, known);
  auto* err = std::get_if<S3Error>(&parsed);
  return err ? err->code + ": " + err->message : "";
}

TEST(NotificationConfig, ParsesWritesAndMatches) {
  auto parsed = parse_notification_xml(
      doc(rule("thumbs", "thumb", "s3:ObjectCreated:*", "incoming/", ".jpg") +
          rule("", "index", "s3:ObjectRemoved:Delete")),
      known);
  ASSERT_TRUE(std::holds_alternative<NotificationConfig>(parsed)) << error_of("");
  const auto& config = std::get<NotificationConfig>(parsed);
  ASSERT_EQ(config.functions.size(), 2u);
  EXPECT_EQ(config.functions[0].prefix, "incoming/");
  EXPECT_EQ(config.functions[0].suffix, ".jpg");
  EXPECT_FALSE(config.functions[1].id.empty());  // generated, as S3 does

  auto fires = [&](const std::string& event, const std::string& key) {
    std::string ids;
    for (const auto* n : matching_notifications(config, event, key)) ids += n->id == "thumbs" ? "T" : "I";
    return ids;
  };
  EXPECT_EQ(fires("ObjectCreated:Put", "incoming/a.jpg"), "T");
  EXPECT_EQ(fires("ObjectCreated:CompleteMultipartUpload", "incoming/deep/a.jpg"), "T");
  EXPECT_EQ(fires("ObjectCreated:Put", "incoming/a.png"), "");
  EXPECT_EQ(fires("ObjectCreated:Put", "other/a.jpg"), "");
  EXPECT_EQ(fires("ObjectRemoved:Delete", "anything"), "I");
  EXPECT_EQ(fires("ObjectRemoved:DeleteMarkerCreated", "anything"), "");

  // Written back with S3's capitalised rule names; parsing that again gives the same.
  std::string xml = notification_to_xml(config);
  EXPECT_NE(xml.find("<Name>Prefix</Name><Value>incoming/</Value>"), std::string::npos);
  auto again = parse_notification_xml(xml, known);
  ASSERT_TRUE(std::holds_alternative<NotificationConfig>(again));
  EXPECT_EQ(notification_to_xml(std::get<NotificationConfig>(again)), xml);
}

TEST(NotificationConfig, EventWildcards) {
  EXPECT_TRUE(event_selected("s3:ObjectCreated:*", "ObjectCreated:Post"));
  EXPECT_TRUE(event_selected("s3:ObjectRemoved:*", "ObjectRemoved:DeleteMarkerCreated"));
  EXPECT_TRUE(event_selected("s3:ObjectTagging:Put", "ObjectTagging:Put"));
  EXPECT_FALSE(event_selected("s3:ObjectTagging:Put", "ObjectTagging:Delete"));
  EXPECT_FALSE(event_selected("s3:ObjectCreated:*", "ObjectRemoved:Delete"));
}

TEST(NotificationConfig, RefusesWhatS3Refuses) {
  EXPECT_EQ(error_of("<not-xml"), "MalformedXML: The XML you provided was not well-formed or did "
                                  "not validate against our published schema");
  EXPECT_EQ(error_of(doc(rule("a", "missing", "s3:ObjectCreated:*"))),
            "InvalidArgument: Unable to validate the following destination configurations");
  EXPECT_EQ(error_of(doc(rule("a", "thumb", "s3:ObjectMade:*"))),
            "InvalidArgument: The event is not supported for notifications");
  EXPECT_NE(error_of(doc(rule("a", "thumb", "s3:ObjectCreated:*", "img/") +
                         rule("b", "index", "s3:ObjectCreated:Put", "img/small/")))
                .find("overlapping"),
            std::string::npos);
  EXPECT_NE(error_of(doc(rule("a", "thumb", "s3:ObjectCreated:*", "", ".jpg") +
                         rule("b", "index", "s3:ObjectCreated:*", "", "small.jpg")))
                .find("overlapping"),
            std::string::npos);
  // Disjoint prefixes, or different event types, may share a function.
  EXPECT_EQ(error_of(doc(rule("a", "thumb", "s3:ObjectCreated:*", "img/") +
                         rule("b", "thumb", "s3:ObjectCreated:*", "doc/") +
                         rule("c", "index", "s3:ObjectRemoved:*", "img/"))),
            "");
  EXPECT_EQ(error_of(doc(rule("a", "thumb", "s3:ObjectCreated:*") + rule("a", "index", "s3:ObjectRemoved:*"))),
            "InvalidArgument: Configurations must have unique ids");
  EXPECT_EQ(error_of(doc("<QueueConfiguration><Queue>arn:aws:sqs:us-east-1:1:q</Queue>"
                         "<Event>s3:ObjectCreated:*</Event></QueueConfiguration>")),
            "InvalidArgument: Unable to validate the following destination configurations");
  EXPECT_EQ(error_of(doc("<CloudFunctionConfiguration><CloudFunction>arn:aws:lambda:us-east-1:0:function:thumb"
                         "</CloudFunction><Event>s3:ObjectCreated:*</Event><Filter><S3Key><FilterRule>"
                         "<Name>middle</Name><Value>x</Value></FilterRule></S3Key></Filter>"
                         "</CloudFunctionConfiguration>")),
            "InvalidArgument: filter rule name must be either prefix or suffix");
}

TEST(NotificationConfig, EmptyDocumentMeansNoRules) {
  auto parsed = parse_notification_xml(doc(""), known);
  ASSERT_TRUE(std::holds_alternative<NotificationConfig>(parsed));
  EXPECT_TRUE(std::get<NotificationConfig>(parsed).functions.empty());
}

}  // namespace
}  // namespace bf
