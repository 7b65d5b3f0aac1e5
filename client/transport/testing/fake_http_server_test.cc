#include "client/transport/testing/fake_http_server.h"

#include <arpa/inet.h>
#include <netinet/in.h>
#include <sys/socket.h>
#include <unistd.h>

#include <string>

#include "absl/strings/str_cat.h"
#include "gtest/gtest.h"

namespace kube::transport::testing {
namespace {

// A raw client: the fake server is tested without the transport under test.
std::string Exchange(uint16_t port, const std::string& request) {
  const int fd = ::socket(AF_INET, SOCK_STREAM, 0);
  sockaddr_in address{};
  address.sin_family = AF_INET;
  address.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
  address.sin_port = htons(port);
  EXPECT_EQ(::connect(fd, reinterpret_cast<sockaddr*>(&address), sizeof(address)), 0);
  EXPECT_EQ(::send(fd, request.data(), request.size(), 0), static_cast<ssize_t>(request.size()));
  std::string reply;
  char buffer[4096];
  ssize_t n;
  while ((n = ::recv(fd, buffer, sizeof(buffer), 0)) > 0) reply.append(buffer, n);
  ::close(fd);
  return reply;
}

TEST(FakeHttpServerTest, ParsesRequestsAndWritesScriptedBytes) {
  std::optional<FakeRequest> seen;
  auto server = FakeHttpServer::Start([&](FakeConnection& connection) {
    seen = connection.ReadRequest();
    connection.Write(HttpResponse(200, "hi", {{"X-Test", "1"}}));
  });
  ASSERT_TRUE(server.ok()) << server.status();
  const std::string reply =
      Exchange((*server)->port(),
               "POST /x?y=1 HTTP/1.1\r\nHost: h\r\nA: 1\r\nA: 2\r\nContent-Length: 3\r\n\r\nabc");
  EXPECT_EQ(reply, "HTTP/1.1 200 OK\r\nX-Test: 1\r\nContent-Length: 2\r\n\r\nhi");
  server->reset();  // joins the handler: `seen` is final
  ASSERT_TRUE(seen.has_value());
  EXPECT_EQ(seen->method, "POST");
  EXPECT_EQ(seen->target, "/x?y=1");
  EXPECT_EQ(seen->body, "abc");
  EXPECT_EQ(seen->HeaderValues("a"), (std::vector<std::string>{"1", "2"}));
}

TEST(FakeHttpServerTest, ChunkHelpers) {
  EXPECT_EQ(Chunk("hello, world!!!!x"), "11\r\nhello, world!!!!x\r\n");
  EXPECT_EQ(LastChunk(), "0\r\n\r\n");
}

TEST(FakeHttpServerTest, DestructionWakesABlockedHandler) {
  auto server = FakeHttpServer::Start([](FakeConnection& connection) {
    connection.ReadRequest(absl::Hours(1));  // only the server's shutdown ends this
  });
  ASSERT_TRUE(server.ok());
  const int fd = ::socket(AF_INET, SOCK_STREAM, 0);
  sockaddr_in address{};
  address.sin_family = AF_INET;
  address.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
  address.sin_port = htons((*server)->port());
  ASSERT_EQ(::connect(fd, reinterpret_cast<sockaddr*>(&address), sizeof(address)), 0);
  server->reset();  // must return
  ::close(fd);
}

}  // namespace
}  // namespace kube::transport::testing
