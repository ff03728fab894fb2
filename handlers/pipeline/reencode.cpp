// The reference pipeline's Object Lambda function (fixtures/pipeline.json puts it behind the
// Object Lambda access point over `processed`): any image there served re-encoded on the way
// out, in the format the client's Accept header names (AVIF where this libvips writes it, WebP,
// else JPEG), at full size, autorotated, in sRGB, with EXIF and every other metadata stripped.
#include <algorithm>

#include "handlers/pipeline/handlers.h"
#include "handlers/pipeline/support.h"
#include "sdk/object_lambda_event.h"

namespace bf::pipeline {

namespace {

std::string header_value(const ObjectLambdaEvent& event, std::string_view name) {
  for (const auto& [k, v] : event.user_request_headers)
    if (k.size() == name.size() && std::equal(k.begin(), k.end(), name.begin(), [](char a, char b) {
          return std::tolower(static_cast<unsigned char>(a)) == std::tolower(static_cast<unsigned char>(b));
        }))
      return v;
  return "";
}

// The client gets S3's error shape with this status and code.
Json answer_error(Context& ctx, const ObjectLambdaEvent& event, int status, const std::string& code,
                  const std::string& message) {
  WriteGetObjectResponseRequest answer;
  answer.route = event.output_route;
  answer.token = event.output_token;
  answer.status_code = status;
  answer.error_code = code;
  answer.error_message = message;
  ctx.s3().write_get_object_response(answer, "");
  ctx.log("reencode: " + std::to_string(status) + " " + code + ": " + message);
  return Json{{"statusCode", status}};
}

}  // namespace

Json reencode(const Json& payload, Context& ctx) {
  const ObjectLambdaEvent event = ObjectLambdaEvent::from_json(payload);
  if (event.context != "getObjectContext")
    throw FunctionError("UnsupportedOperation", "reencode transforms GetObject only, not " + event.context);
  const Settings settings = Settings::from(ctx);
  TempFile original(0);
  try {
    download_presigned(ctx, event.input_s3_url, original);
  } catch (const S3Exception& e) {
    return answer_error(ctx, event, e.status(), e.code(), "the original could not be read");
  }
  const ThumbnailFormat format = format_for_accept(header_value(event, "Accept"), can_write_avif());
  std::string encoded;
  try {
    const ImageInfo info = inspect_image(original.path(), settings.limits);
    encoded = make_thumbnail(original.path(), info, std::max(info.width, info.height), format,
                             settings.thumbnail_quality);
  } catch (const ImageError& e) {
    return answer_error(ctx, event, 415, e.type(), e.what());
  }
  WriteGetObjectResponseRequest answer;
  answer.route = event.output_route;
  answer.token = event.output_token;
  answer.content_type = format.content_type;
  ctx.s3().write_get_object_response(answer, encoded);
  return Json{{"statusCode", 200}};
}

}  // namespace bf::pipeline
