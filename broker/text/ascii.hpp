#pragma once
// ASCII helpers of the line-based formats the broker reads: HTTP headers (bridge-ws, the admin
// API and its client) and its own small files. Case folding is ASCII only, as HTTP's is.
#include <string_view>

namespace telemq::text {

// Without leading and trailing blanks (by default spaces, tabs, CR and LF).
std::string_view trim(std::string_view text, std::string_view blanks = " \t\r\n");

// "Basic" == "basic": ASCII letters compared without case.
bool equals_ignoring_case(std::string_view a, std::string_view b);

}  // namespace telemq::text
