#include "tools/testenv/https_client.h"

#include <chrono>
#include <exception>

#include "absl/strings/ascii.h"
#include "absl/strings/str_cat.h"
#include "boost/asio/connect.hpp"
#include "boost/asio/io_context.hpp"
#include "boost/asio/ip/tcp.hpp"
#include "boost/asio/ssl.hpp"
#include "boost/beast/core.hpp"
#include "boost/beast/http.hpp"
#include "boost/beast/ssl.hpp"

namespace kube::testenv {

namespace asio = boost::asio;
namespace beast = boost::beast;
namespace http = beast::http;

absl::StatusOr<HttpsReply> HttpsExchange(const Environment& env, const HttpsCall& call) {
  try {
    asio::io_context io;
    asio::ssl::context tls(asio::ssl::context::tls_client);
    tls.load_verify_file(env.ca_file);
    tls.set_verify_mode(asio::ssl::verify_peer);
    beast::ssl_stream<beast::tcp_stream> stream(io, tls);
    stream.set_verify_callback(asio::ssl::host_name_verification(env.host));
    asio::ip::tcp::resolver resolver(io);
    beast::get_lowest_layer(stream).expires_after(std::chrono::seconds(30));
    beast::get_lowest_layer(stream).connect(resolver.resolve(env.host, std::to_string(env.port)));
    stream.handshake(asio::ssl::stream_base::client);

    http::request<http::string_body> request(http::string_to_verb(call.method), call.target, 11);
    request.set(http::field::host, env.host);
    request.set(http::field::accept, call.accept);
    if (!call.token.empty()) request.set(http::field::authorization, "Bearer " + call.token);
    if (!call.content_type.empty()) request.set(http::field::content_type, call.content_type);
    request.body() = call.body;
    request.prepare_payload();
    http::write(stream, request);

    beast::flat_buffer buffer;
    http::response_parser<http::string_body> parser;
    parser.body_limit(256u << 20);
    http::read(stream, buffer, parser);
    http::response<http::string_body> response = parser.release();
    beast::error_code ignored;
    stream.shutdown(ignored);

    HttpsReply reply;
    reply.status = static_cast<int>(response.result_int());
    for (const auto& field : response) {
      reply.headers[absl::AsciiStrToLower(std::string(field.name_string()))] =
          std::string(field.value());
    }
    reply.content_type = reply.headers["content-type"];
    reply.body = std::move(response.body());
    return reply;
  } catch (const std::exception& e) {
    return absl::UnavailableError(
        absl::StrCat(call.method, " ", call.target, " against ", env.server, ": ", e.what()));
  }
}

}  // namespace kube::testenv
