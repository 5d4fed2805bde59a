// Result<T>: a value or a nachfass::Error, for every fallible operation outside the core.
#pragma once

#include <boost/system/result.hpp>
#include <stdexcept>

#include "core/error.hpp"

namespace nachfass {

template <class T>
using Result = boost::system::result<T, Error>;

// Calling .value() on a Result that holds an Error is a bug in the caller; Boost finds this
// through argument-dependent lookup and throws.
[[noreturn]] inline void throw_exception_from_error(const Error& error,
                                                    const boost::source_location&) {
  throw std::logic_error("unchecked Result: " + error.to_string());
}

inline Error make_error(ErrorScope scope, std::string id, std::string message) {
  return Error{scope, std::move(id), std::move(message)};
}

}  // namespace nachfass
