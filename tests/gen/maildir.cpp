#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>

#include <cerrno>
#include <fstream>
#include <system_error>

#include "gen/generator.hpp"

namespace nachfass::gen {

namespace {

void make_maildir(const std::filesystem::path& dir) {
  for (const char* sub : {"cur", "new", "tmp"}) std::filesystem::create_directories(dir / sub);
}

void write_text(const std::filesystem::path& path, std::string_view text) {
  std::ofstream out(path, std::ios::binary | std::ios::trunc);
  out.write(text.data(), static_cast<std::streamsize>(text.size()));
  if (!out) throw std::system_error(errno, std::generic_category(), "write " + path.string());
}

}  // namespace

MaildirWriter::MaildirWriter(std::filesystem::path root) : root_(std::move(root)) {
  make_maildir(root_);
  make_maildir(root_ / ".Sent");
  make_maildir(root_ / ".Drafts");
  // Maildir++: each folder holds a "maildirfolder" marker; Dovecot keeps subscriptions here.
  write_text(root_ / ".Sent" / "maildirfolder", "");
  write_text(root_ / ".Drafts" / "maildirfolder", "");
  write_text(root_ / "subscriptions", "Sent\nDrafts\n");
  inbox_cur_ = (root_ / "cur").string() + "/";
  inbox_new_ = (root_ / "new").string() + "/";
  sent_cur_ = (root_ / ".Sent" / "cur").string() + "/";
  sent_new_ = (root_ / ".Sent" / "new").string() + "/";
}

void MaildirWriter::mail(const GeneratedMail& mail) {
  const bool sent = mail.folder == "Sent";
  std::string path =
      sent ? (mail.in_new ? sent_new_ : sent_cur_) : (mail.in_new ? inbox_new_ : inbox_cur_);
  path += mail.file_name;
  const std::string bytes = render_rfc5322(mail);
  const int fd = ::open(path.c_str(), O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0644);
  if (fd < 0) throw std::system_error(errno, std::generic_category(), "open " + path);
  std::size_t done = 0;
  while (done < bytes.size()) {
    const ssize_t n = ::write(fd, bytes.data() + done, bytes.size() - done);
    if (n < 0) {
      if (errno == EINTR) continue;
      const int error = errno;
      ::close(fd);
      throw std::system_error(error, std::generic_category(), "write " + path);
    }
    done += static_cast<std::size_t>(n);
  }
  // Dovecot takes a Maildir file's mtime as the message's received date (INTERNALDATE).
  const struct timespec times[2] = {{mail.delivered, 0}, {mail.delivered, 0}};
  ::futimens(fd, times);
  if (::close(fd) != 0) throw std::system_error(errno, std::generic_category(), "close " + path);
  bytes_ += bytes.size();
}

GroundTruth write_corpus(const std::filesystem::path& out, const GeneratorOptions& options) {
  std::filesystem::create_directories(out);
  // A rerun replaces what an earlier run wrote (and nothing else in `out`).
  std::filesystem::remove_all(out / "maildir");
  MaildirWriter writer(out / "maildir");
  GroundTruth truth = generate(options, writer);
  {
    std::ofstream json(out / "truth.json", std::ios::binary | std::ios::trunc);
    write_truth_json(truth, json);
    if (!json) throw std::system_error(errno, std::generic_category(), "write truth.json");
  }
  write_text(out / "nachfass.toml", config_toml());
  return truth;
}

}  // namespace nachfass::gen
