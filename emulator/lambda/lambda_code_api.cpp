// CreateFunction, UpdateFunctionCode and DeleteFunction: functions whose code is a zip with a
// `bootstrap` (provided.al2023 / provided.al2), run as external processes. Created functions
// and their packages are kept in the data directory and survive restarts.
#include <unistd.h>

#include <filesystem>
#include <fstream>

#include "sdk/uuid.h"
#include "emulator/lambda/code_archive.h"
#include "emulator/lambda/lambda_api.h"
#include "emulator/lambda/lambda_errors.h"
#include "sdk/hash.h"

namespace bf {

namespace {

HttpResponse invalid(const std::string& message, const std::string& rid) {
  return lambda_error(400, "InvalidParameterValueException", message, rid);
}

}  // namespace

std::variant<std::string, HttpResponse> LambdaApi::save_package(const HttpRequest& request,
                                                                const std::string& function,
                                                                const Json& code) {
  const std::string& rid = request.request_id;
  if (!external_ || external_->code_root().empty())
    return lambda_error(500, "ServiceException", "no folder for function code", rid);
  const std::string path = external_->code_root() + "/packages/" + function + "-" + new_uuid() + ".zip";
  std::error_code ec;
  std::filesystem::create_directories(std::filesystem::path(path).parent_path(), ec);
  if (code.contains("ZipFile") && code["ZipFile"].is_string()) {
    auto bytes = base64_decode(code["ZipFile"].get<std::string>());
    if (!bytes) return invalid("Code.ZipFile is not base64", rid);
    std::ofstream(path, std::ios::binary).write(bytes->data(), static_cast<std::streamsize>(bytes->size()));
  } else if (code.contains("S3Bucket") && code.contains("S3Key") && code["S3Bucket"].is_string() &&
             code["S3Key"].is_string()) {
    // The package from this emulator's own S3, as Lambda reads it from S3.
    auto object = objects_.open_object(code["S3Bucket"].get<std::string>(), code["S3Key"].get<std::string>());
    if (!object)
      return invalid("Error occurred while GetObject. S3 Error Code: NoSuchKey. S3 Error Message: "
                     "The specified key does not exist.", rid);
    std::ofstream out(path, std::ios::binary);
    std::string chunk(256 * 1024, '\0');
    for (std::uint64_t done = 0; done < object->first.size;) {
      ssize_t n = ::pread(object->second->fd(), chunk.data(), chunk.size(), static_cast<off_t>(done));
      if (n <= 0) return lambda_error(500, "ServiceException", "cannot read the package", rid);
      out.write(chunk.data(), n);
      done += static_cast<std::uint64_t>(n);
    }
  } else if (code.contains("ImageUri")) {
    return invalid("Container images are not supported by this emulator; use a zip with a bootstrap.", rid);
  } else {
    return invalid("Code must have ZipFile, or S3Bucket and S3Key.", rid);
  }
  ZipSummary summary;
  std::string error = inspect_zip(path, summary);
  if (error.starts_with("Unzipped size")) {
    std::filesystem::remove(path, ec);
    return invalid(error, rid);
  }
  if (error.empty() && !summary.has_bootstrap)
    error = "the package has no bootstrap at its root (provided.al2023 runs ./bootstrap)";
  if (!error.empty()) {
    std::filesystem::remove(path, ec);
    return invalid("Could not unzip uploaded file. Please check your file, then try to upload again. (" +
                       error + ")",
                   rid);
  }
  return path;
}

HttpResponse LambdaApi::create_function(const HttpRequest& request, const std::string& body,
                                        const std::string& region) {
  const std::string& rid = request.request_id;
  Json j = Json::parse(body, nullptr, false);
  if (!j.is_object()) return lambda_error(400, "InvalidRequestContentException", "Could not parse request body into json", rid);
  auto text = [&](const char* member) {
    return j.contains(member) && j[member].is_string() ? j[member].get<std::string>() : std::string();
  };
  FunctionConfig fn;
  const std::string given = text("FunctionName");
  if (given.empty() || given.size() > 140)
    return lambda_error(400, "ValidationException",
                        "1 validation error detected: Value at 'functionName' failed to satisfy "
                        "constraint: Member must have length between 1 and 140", rid);
  // The name becomes part of file names: only Lambda's own pattern gets that far.
  fn.name = function_name_of(given);
  fn.region = region;
  if (fn.name.empty())
    return lambda_error(400, "ValidationException",
                        "1 validation error detected: Value '" + given +
                            "' at 'functionName' failed to satisfy constraint: Member must satisfy "
                            "regular expression pattern: " + std::string(kFunctionNamePattern), rid);
  if (fn.name.size() > 64)
    return lambda_error(400, "ValidationException",
                        "1 validation error detected: Value at 'functionName' failed to satisfy "
                        "constraint: Member must have length between 1 and 64", rid);
  if (functions_.find(fn.name))
    return lambda_error(409, "ResourceConflictException", "Function already exist: " + fn.name, rid);
  if (text("PackageType") == "Image")
    return invalid("Container images are not supported by this emulator; use a zip with a bootstrap.", rid);
  const std::string runtime = text("Runtime");
  if (runtime != "provided.al2023" && runtime != "provided.al2")
    return invalid("The runtime parameter of " + (runtime.empty() ? std::string("(none)") : runtime) +
                       " is not supported by this emulator: functions run their own bootstrap "
                       "(provided.al2023 or provided.al2).", rid);
  fn.runtime = runtime;
  fn.handler = text("Handler");
  fn.description = text("Description");
  if (j.contains("Timeout")) {
    if (!j["Timeout"].is_number_integer() || j["Timeout"].get<long long>() < 1 || j["Timeout"].get<long long>() > 900)
      return lambda_error(400, "ValidationException", "1 validation error detected: Value at 'timeout' failed to satisfy constraint: Member must have value between 1 and 900", rid);
    fn.timeout_s = j["Timeout"].get<int>();
  }
  if (j.contains("MemorySize")) {
    if (!j["MemorySize"].is_number_integer() || j["MemorySize"].get<long long>() < 128 || j["MemorySize"].get<long long>() > 10240)
      return lambda_error(400, "ValidationException", "1 validation error detected: Value at 'memorySize' failed to satisfy constraint: Member must have value between 128 and 10240", rid);
    fn.memory_mb = j["MemorySize"].get<int>();
  }
  if (j.contains("Environment") && j["Environment"].is_object() && j["Environment"].contains("Variables")) {
    for (const auto& [k, v] : j["Environment"]["Variables"].items()) {
      if (!v.is_string()) return invalid("Environment variables must be strings", rid);
      fn.environment[k] = v.get<std::string>();
    }
  }
  auto saved = save_package(request, fn.name, j.value("Code", Json::object()));
  if (auto* err = std::get_if<HttpResponse>(&saved)) return std::move(*err);
  fn.code_path = std::get<std::string>(saved);
  fn.last_modified_ms = clock_.now_ms();
  fn.revision_id = new_uuid();
  if (Status created = functions_.create(fn); !created) {
    std::error_code ec;
    std::filesystem::remove(fn.code_path, ec);
    if (created.code() == Status::Code::AlreadyExists)
      return lambda_error(409, "ResourceConflictException", "Function already exist: " + fn.name, rid);
    return lambda_error(500, "ServiceException", created.message(), rid);
  }
  HttpResponse res = json_response(201, function_configuration_json(fn), rid);
  res.operation = "CreateFunction";
  return res;
}

HttpResponse LambdaApi::update_function_code(const HttpRequest& request, const std::string& function,
                                             const std::string& body) {
  const std::string& rid = request.request_id;
  Json j = Json::parse(body, nullptr, false);
  if (!j.is_object()) return lambda_error(400, "InvalidRequestContentException", "Could not parse request body into json", rid);
  auto current = functions_.find(function);
  if (!current) return lambda_error(404, "ResourceNotFoundException", "Function not found: " + function_arn(region_, function), rid);
  if (!current->external())
    return invalid(function + " runs a handler built into the emulator; its code cannot be replaced", rid);
  auto saved = save_package(request, function, j);
  if (auto* err = std::get_if<HttpResponse>(&saved)) return std::move(*err);
  // The next invocation sees new code and starts a fresh environment (running ones finish).
  auto changed = functions_.update(function, [&](FunctionConfig& f) {
    f.code_path = std::get<std::string>(saved);
    f.last_modified_ms = clock_.now_ms();
  });
  if (!changed) {
    std::error_code ec;
    std::filesystem::remove(std::get<std::string>(saved), ec);
    if (changed.error().is_not_found())
      return lambda_error(404, "ResourceNotFoundException", "Function not found: " + function_arn(region_, function), rid);
    return lambda_error(500, "ServiceException", changed.error().message(), rid);
  }
  HttpResponse res = json_response(200, function_configuration_json(*changed), rid);
  res.operation = "UpdateFunctionCode";
  return res;
}

HttpResponse LambdaApi::delete_function(const HttpRequest& request, const std::string& function) {
  if (Status removed = functions_.remove(function); !removed) {
    if (removed.is_not_found())
      return lambda_error(404, "ResourceNotFoundException", "Function not found: " + function_arn(region_, function),
                          request.request_id);
    return lambda_error(500, "ServiceException", removed.message(), request.request_id);
  }
  HttpResponse res;
  res.status = 204;
  res.set_header("x-amzn-RequestId", request.request_id);
  res.operation = "DeleteFunction";
  return res;
}

}  // namespace bf
