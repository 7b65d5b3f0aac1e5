#include "client/meta/labels.h"

#include <algorithm>
#include <cstdint>
#include <optional>
#include <string>
#include <utility>
#include <vector>

#include "absl/status/status.h"
#include "absl/status/statusor.h"
#include "absl/strings/escaping.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/str_join.h"
#include "absl/strings/string_view.h"
#include "client/meta/internal/go_compat.h"
#include "client/meta/validation.h"

namespace kube::meta {
namespace {

// ---------------------------------------------------------------------------------------------
// Lexer. Token boundaries follow apimachinery's lexer byte for byte, quirks included:
//   * whitespace is ' ', '\t', '\r', '\n' only;
//   * the operator characters are = ! ( ) , > < ; "==" and "!=" are the only two-byte tokens;
//   * everything else up to whitespace or an operator character is one identifier, and the
//     identifiers "in" and "notin" are keywords;
//   * a NUL byte ends the input where a token would start, and is skipped when it directly
//     follows a token ("a \0junk" is "a", "a=\0b" is "a=b"). The apiserver behaves the same
//     (checked in selector_apiserver_test).

enum class Tok : uint8_t {
  kEnd,
  kIdentifier,
  kIn,
  kNotIn,
  kOpenParen,
  kCloseParen,
  kComma,
  kBang,
  kEquals,
  kDoubleEquals,
  kNotEquals,
  kGreater,
  kLess,
};

struct Token {
  Tok kind = Tok::kEnd;
  absl::string_view text;
  size_t offset = 0;
};

bool IsSpace(char c) { return c == ' ' || c == '\t' || c == '\r' || c == '\n'; }

bool IsOperatorChar(char c) {
  switch (c) {
    case '=':
    case '!':
    case '(':
    case ')':
    case ',':
    case '>':
    case '<':
      return true;
    default:
      return false;
  }
}

class Lexer {
 public:
  explicit Lexer(absl::string_view text) : text_(text) { Advance(); }

  // Peek returns the next token without consuming it. With `values` set, the keywords "in" and
  // "notin" read as identifiers (where a value or key is expected, as in apimachinery).
  Token Peek(bool values) const { return values ? AsValue(next_) : next_; }
  Token Next(bool values) {
    Token t = Peek(values);
    Advance();
    return t;
  }

 private:
  static Token AsValue(Token t) {
    if (t.kind == Tok::kIn || t.kind == Tok::kNotIn) t.kind = Tok::kIdentifier;
    return t;
  }

  void SkipNulAfterToken() {
    if (pos_ < text_.size() && text_[pos_] == '\0') ++pos_;
  }

  void Advance() {
    if (ended_) return;  // kEnd is sticky: nothing after it is ever read
    while (pos_ < text_.size() && IsSpace(text_[pos_])) ++pos_;
    size_t start = pos_;
    if (pos_ >= text_.size() || text_[pos_] == '\0') {
      next_ = {Tok::kEnd, {}, start};
      ended_ = true;
      return;
    }
    char c = text_[pos_];
    if (IsOperatorChar(c)) {
      Tok kind;
      size_t len = 1;
      bool eq_next = pos_ + 1 < text_.size() && text_[pos_ + 1] == '=';
      switch (c) {
        case '=':
          kind = eq_next ? Tok::kDoubleEquals : Tok::kEquals;
          len = eq_next ? 2 : 1;
          break;
        case '!':
          kind = eq_next ? Tok::kNotEquals : Tok::kBang;
          len = eq_next ? 2 : 1;
          break;
        case '(':
          kind = Tok::kOpenParen;
          break;
        case ')':
          kind = Tok::kCloseParen;
          break;
        case ',':
          kind = Tok::kComma;
          break;
        case '>':
          kind = Tok::kGreater;
          break;
        default:
          kind = Tok::kLess;
          break;
      }
      pos_ += len;
      next_ = {kind, text_.substr(start, len), start};
      SkipNulAfterToken();
      return;
    }
    while (pos_ < text_.size() && text_[pos_] != '\0' && !IsSpace(text_[pos_]) &&
           !IsOperatorChar(text_[pos_])) {
      ++pos_;
    }
    absl::string_view word = text_.substr(start, pos_ - start);
    Tok kind = word == "in" ? Tok::kIn : word == "notin" ? Tok::kNotIn : Tok::kIdentifier;
    next_ = {kind, word, start};
    SkipNulAfterToken();
  }

  absl::string_view text_;
  size_t pos_ = 0;
  bool ended_ = false;
  Token next_;
};

// ---------------------------------------------------------------------------------------------
// Parser: a recursive descent over the grammar in labels.h, accepting exactly the inputs
// apimachinery's parser accepts (see labels_test and selector_apiserver_test).

std::string Describe(const Token& t) {
  if (t.kind == Tok::kEnd) return "end of input";
  return absl::StrCat("'", absl::CHexEscape(t.text), "'");
}

class Parser {
 public:
  explicit Parser(absl::string_view text) : text_(text), lexer_(text) {}

  absl::StatusOr<std::vector<LabelRequirement>> Parse() {
    std::vector<LabelRequirement> requirements;
    if (lexer_.Peek(true).kind == Tok::kEnd) return requirements;
    while (true) {
      absl::StatusOr<LabelRequirement> r = ParseRequirement();
      if (!r.ok()) return r.status();
      requirements.push_back(*std::move(r));
      Token t = lexer_.Next(true);
      if (t.kind == Tok::kEnd) return requirements;
      if (t.kind != Tok::kComma) return Error(t, "expected ',' or end of input");
      Token after = lexer_.Peek(true);
      if (after.kind != Tok::kIdentifier && after.kind != Tok::kBang) {
        return Error(after, "expected a label key or '!' after ','");
      }
    }
  }

 private:
  absl::Status Error(const Token& at, absl::string_view what) const {
    return ErrorAt(at.offset, absl::StrCat("found ", Describe(at), ", ", what));
  }
  absl::Status ErrorAt(size_t offset, absl::string_view what) const {
    return absl::InvalidArgumentError(absl::StrCat("invalid label selector \"",
                                                   absl::CHexEscape(text_), "\": at offset ",
                                                   offset, ": ", what));
  }

  absl::StatusOr<LabelRequirement> ParseRequirement() {
    Token t = lexer_.Next(true);
    bool negated = false;
    if (t.kind == Tok::kBang) {
      negated = true;
      t = lexer_.Next(true);
    }
    if (t.kind != Tok::kIdentifier) return Error(t, "expected a label key");
    std::string key(t.text);
    if (absl::Status s = ValidateLabelKey(key); !s.ok()) return ErrorAt(t.offset, s.message());
    size_t key_offset = t.offset;

    Token la = lexer_.Peek(true);
    if (negated) return Build(std::move(key), LabelOperator::kDoesNotExist, {}, key_offset);
    if (la.kind == Tok::kEnd || la.kind == Tok::kComma) {
      return Build(std::move(key), LabelOperator::kExists, {}, key_offset);
    }

    Token op_token = lexer_.Next(false);
    LabelOperator op;
    switch (op_token.kind) {
      case Tok::kIn:
        op = LabelOperator::kIn;
        break;
      case Tok::kNotIn:
        op = LabelOperator::kNotIn;
        break;
      case Tok::kEquals:
        op = LabelOperator::kEquals;
        break;
      case Tok::kDoubleEquals:
        op = LabelOperator::kDoubleEquals;
        break;
      case Tok::kNotEquals:
        op = LabelOperator::kNotEquals;
        break;
      case Tok::kGreater:
        op = LabelOperator::kGreaterThan;
        break;
      case Tok::kLess:
        op = LabelOperator::kLessThan;
        break;
      default:
        return Error(op_token, "expected an operator: in, notin, =, ==, !=, >, <");
    }

    std::vector<std::string> values;
    if (op == LabelOperator::kIn || op == LabelOperator::kNotIn) {
      absl::Status s = ParseValueSet(&values);
      if (!s.ok()) return s;
      std::sort(values.begin(), values.end());
      values.erase(std::unique(values.begin(), values.end()), values.end());
    } else {
      absl::Status s = ParseExactValue(&values);
      if (!s.ok()) return s;
    }
    return Build(std::move(key), op, std::move(values), op_token.offset);
  }

  // "(" elem ("," elem)* ")", where an elem is a value or nothing; an empty elem stands for the
  // empty value (so "()" and "(a,)" both contain ""), exactly as apimachinery reads it.
  absl::Status ParseValueSet(std::vector<std::string>* values) {
    Token open = lexer_.Next(true);
    if (open.kind != Tok::kOpenParen) return Error(open, "expected '('");
    while (true) {
      Token t = lexer_.Peek(true);
      if (t.kind == Tok::kIdentifier) {
        lexer_.Next(true);
        if (absl::Status s = CheckValue(t); !s.ok()) return s;
        values->emplace_back(t.text);
      } else {
        values->emplace_back();
      }
      Token sep = lexer_.Next(true);
      if (sep.kind == Tok::kCloseParen) return absl::OkStatus();
      if (sep.kind != Tok::kComma) {
        return Error(sep, t.kind == Tok::kIdentifier ? "expected ',' or ')'"
                                                     : "expected a value, ',' or ')'");
      }
    }
  }

  // A single value, which is empty when the requirement ends right after the operator.
  absl::Status ParseExactValue(std::vector<std::string>* values) {
    Token t = lexer_.Peek(true);
    if (t.kind == Tok::kEnd || t.kind == Tok::kComma) {
      values->emplace_back();
      return absl::OkStatus();
    }
    lexer_.Next(true);
    if (t.kind != Tok::kIdentifier) return Error(t, "expected a value");
    if (absl::Status s = CheckValue(t); !s.ok()) return s;
    values->emplace_back(t.text);
    return absl::OkStatus();
  }

  absl::Status CheckValue(const Token& t) const {
    if (absl::Status s = ValidateLabelValue(t.text); !s.ok()) return ErrorAt(t.offset, s.message());
    return absl::OkStatus();
  }

  absl::StatusOr<LabelRequirement> Build(std::string key, LabelOperator op,
                                         std::vector<std::string> values, size_t offset) const {
    absl::StatusOr<LabelRequirement> r =
        LabelRequirement::Create(std::move(key), op, std::move(values));
    if (!r.ok()) return ErrorAt(offset, r.status().message());
    return r;
  }

  absl::string_view text_;
  Lexer lexer_;
};

}  // namespace

absl::string_view LabelOperatorName(LabelOperator op) {
  switch (op) {
    case LabelOperator::kIn:
      return "in";
    case LabelOperator::kNotIn:
      return "notin";
    case LabelOperator::kEquals:
      return "=";
    case LabelOperator::kDoubleEquals:
      return "==";
    case LabelOperator::kNotEquals:
      return "!=";
    case LabelOperator::kExists:
      return "exists";
    case LabelOperator::kDoesNotExist:
      return "!";
    case LabelOperator::kGreaterThan:
      return "gt";
    case LabelOperator::kLessThan:
      return "lt";
  }
  return "?";
}

// ---------------------------------------------------------------------------------------------
// LabelRequirement

absl::StatusOr<LabelRequirement> LabelRequirement::Create(std::string key, LabelOperator op,
                                                          std::vector<std::string> values) {
  if (absl::Status s = ValidateLabelKey(key); !s.ok()) return s;
  auto invalid = [&](absl::string_view why) {
    return absl::InvalidArgumentError(
        absl::StrCat("invalid requirement on label \"", absl::CHexEscape(key), "\": ", why));
  };
  int64_t bound = 0;
  switch (op) {
    case LabelOperator::kIn:
    case LabelOperator::kNotIn:
      if (values.empty()) return invalid("for 'in', 'notin' operators, values set can't be empty");
      break;
    case LabelOperator::kEquals:
    case LabelOperator::kDoubleEquals:
    case LabelOperator::kNotEquals:
      if (values.size() != 1) {
        return invalid("exact-match compatibility requires one single value");
      }
      break;
    case LabelOperator::kExists:
    case LabelOperator::kDoesNotExist:
      if (!values.empty()) {
        return invalid("values set must be empty for exists and does not exist");
      }
      break;
    case LabelOperator::kGreaterThan:
    case LabelOperator::kLessThan: {
      if (values.size() != 1) {
        return invalid("for 'Gt', 'Lt' operators, exactly one value is required");
      }
      std::optional<int64_t> n = internal::ParseGoInt64(values[0]);
      if (!n.has_value()) {
        return invalid(
            absl::StrCat("for 'Gt', 'Lt' operators, the value must be an integer, got \"",
                         absl::CHexEscape(values[0]), "\""));
      }
      bound = *n;
      break;
    }
    default:
      return invalid("unknown operator");
  }
  for (const std::string& v : values) {
    if (absl::Status s = ValidateLabelValue(v); !s.ok()) return invalid(s.message());
  }
  std::sort(values.begin(), values.end());
  return LabelRequirement(std::move(key), op, std::move(values), bound);
}

bool LabelRequirement::HasValue(absl::string_view value) const {
  for (const std::string& v : values_) {
    if (v == value) return true;
  }
  return false;
}

bool LabelRequirement::Matches(LabelView labels) const {
  std::optional<absl::string_view> value = labels.Get(key_);
  switch (op_) {
    case LabelOperator::kIn:
    case LabelOperator::kEquals:
    case LabelOperator::kDoubleEquals:
      return value.has_value() && HasValue(*value);
    case LabelOperator::kNotIn:
    case LabelOperator::kNotEquals:
      return !value.has_value() || !HasValue(*value);
    case LabelOperator::kExists:
      return value.has_value();
    case LabelOperator::kDoesNotExist:
      return !value.has_value();
    case LabelOperator::kGreaterThan:
    case LabelOperator::kLessThan: {
      if (!value.has_value()) return false;
      std::optional<int64_t> n = internal::ParseGoInt64(*value);
      if (!n.has_value()) return false;
      return op_ == LabelOperator::kGreaterThan ? *n > bound_ : *n < bound_;
    }
  }
  return false;
}

void LabelRequirement::AppendString(std::string* out) const {
  if (op_ == LabelOperator::kDoesNotExist) out->push_back('!');
  out->append(key_);
  switch (op_) {
    case LabelOperator::kExists:
    case LabelOperator::kDoesNotExist:
      return;
    case LabelOperator::kIn:
      out->append(" in (");
      break;
    case LabelOperator::kNotIn:
      out->append(" notin (");
      break;
    case LabelOperator::kEquals:
      out->append("=");
      break;
    case LabelOperator::kDoubleEquals:
      out->append("==");
      break;
    case LabelOperator::kNotEquals:
      out->append("!=");
      break;
    case LabelOperator::kGreaterThan:
      out->append(">");
      break;
    case LabelOperator::kLessThan:
      out->append("<");
      break;
  }
  absl::StrAppend(out, absl::StrJoin(values_, ","));
  if (op_ == LabelOperator::kIn || op_ == LabelOperator::kNotIn) out->push_back(')');
}

std::string LabelRequirement::String() const {
  std::string out;
  AppendString(&out);
  return out;
}

// ---------------------------------------------------------------------------------------------
// LabelSelector

LabelSelector LabelSelector::Nothing() {
  LabelSelector s;
  s.nothing_ = true;
  return s;
}

absl::StatusOr<LabelSelector> LabelSelector::Parse(absl::string_view text) {
  absl::StatusOr<std::vector<LabelRequirement>> requirements = Parser(text).Parse();
  if (!requirements.ok()) return requirements.status();
  return FromRequirements(*std::move(requirements));
}

LabelSelector LabelSelector::FromRequirements(std::vector<LabelRequirement> requirements) {
  LabelSelector s;
  s.requirements_ = std::move(requirements);
  std::stable_sort(
      s.requirements_.begin(), s.requirements_.end(),
      [](const LabelRequirement& a, const LabelRequirement& b) { return a.key() < b.key(); });
  return s;
}

LabelSelector LabelSelector::Add(LabelRequirement r) const& {
  LabelSelector copy = *this;
  return std::move(copy).Add(std::move(r));
}

LabelSelector LabelSelector::Add(LabelRequirement r) && {
  if (nothing_) return std::move(*this);
  // Insert after every requirement with a key <= r's: the stable position.
  auto at = std::upper_bound(
      requirements_.begin(), requirements_.end(), r.key(),
      [](const std::string& key, const LabelRequirement& x) { return key < x.key(); });
  requirements_.insert(at, std::move(r));
  return std::move(*this);
}

bool LabelSelector::Matches(LabelView labels) const {
  if (nothing_) return false;
  for (const LabelRequirement& r : requirements_) {
    if (!r.Matches(labels)) return false;
  }
  return true;
}

std::optional<absl::string_view> LabelSelector::RequiresExactMatch(absl::string_view key) const {
  for (const LabelRequirement& r : requirements_) {
    if (r.key() != key) continue;
    switch (r.op()) {
      case LabelOperator::kEquals:
      case LabelOperator::kDoubleEquals:
      case LabelOperator::kIn:
        if (r.values().size() == 1) return absl::string_view(r.values()[0]);
        return std::nullopt;
      default:
        return std::nullopt;
    }
  }
  return std::nullopt;
}

std::string LabelSelector::String() const {
  std::string out;
  for (size_t i = 0; i < requirements_.size(); ++i) {
    if (i > 0) out.push_back(',');
    requirements_[i].AppendString(&out);
  }
  return out;
}

}  // namespace kube::meta
