// A scripted IMAP server on 127.0.0.1, port 0, for wire tests: what a real server will not do
// on demand. Script lines: "C: WORD" the client's next line has the command WORD (its tag is
// remembered), "S: text" sends text + CRLF with "$" replaced by that tag, "R: text" sends text
// without CRLF and pauses (a TCP segment of its own), "W: ms" pauses, "X" closes the connection.
#pragma once

#include <boost/asio.hpp>
#include <chrono>
#include <mutex>
#include <string>
#include <thread>
#include <vector>

namespace nachfass::imap::test {

namespace asio = boost::asio;
using asio::ip::tcp;

class ScriptedServer {
 public:
  explicit ScriptedServer(std::vector<std::string> script)
      : acceptor_(io_, {asio::ip::make_address("127.0.0.1"), 0}), script_(std::move(script)) {
    thread_ = std::thread([this] { serve(); });
  }
  ~ScriptedServer() {
    boost::system::error_code ec;
    acceptor_.close(ec);
    thread_.join();
  }
  std::uint16_t port() const { return acceptor_.local_endpoint().port(); }
  std::vector<std::string> problems() const {
    std::lock_guard lock(mutex_);
    return problems_;
  }
  std::vector<std::string> received() const {
    std::lock_guard lock(mutex_);
    return received_;
  }

 private:
  void serve() {
    boost::system::error_code ec;
    tcp::socket socket(io_);
    acceptor_.accept(socket, ec);
    if (ec) return;
    asio::streambuf in;
    std::string tag = "*";
    for (const std::string& step : script_) {
      if (step.rfind("C: ", 0) == 0) {
        asio::read_until(socket, in, "\r\n", ec);
        std::lock_guard lock(mutex_);
        if (ec) {
          problems_.push_back("client closed before " + step);
          return;
        }
        std::istream is(&in);
        std::string line;
        std::getline(is, line);
        if (!line.empty() && line.back() == '\r') line.pop_back();
        received_.push_back(line);
        const std::string word = step.substr(3);
        if (word.empty()) continue;
        tag = line.substr(0, line.find(' '));
        if (line.find(" " + word) == std::string::npos)
          problems_.push_back("expected " + word + ", got " + line);
      } else if (step.rfind("S: ", 0) == 0 || step.rfind("R: ", 0) == 0) {
        std::string text = step.substr(3);
        for (auto at = text.find('$'); at != std::string::npos; at = text.find('$', at + 1))
          text.replace(at, 1, tag);
        if (step[0] == 'S') text += "\r\n";
        asio::write(socket, asio::buffer(text), ec);
        if (step[0] == 'R') std::this_thread::sleep_for(std::chrono::milliseconds(20));
      } else if (step.rfind("W: ", 0) == 0) {
        std::this_thread::sleep_for(std::chrono::milliseconds(std::stoi(step.substr(3))));
      } else if (step == "X") {
        socket.close(ec);
        return;
      }
    }
    char byte;
    socket.read_some(asio::buffer(&byte, 1), ec);
  }

  asio::io_context io_;
  tcp::acceptor acceptor_;
  std::vector<std::string> script_;
  mutable std::mutex mutex_;
  std::vector<std::string> problems_;
  std::vector<std::string> received_;
  std::thread thread_;
};

}  // namespace nachfass::imap::test
