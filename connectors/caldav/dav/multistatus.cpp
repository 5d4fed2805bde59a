#include "caldav/dav/multistatus.hpp"

#include <pugixml.hpp>

#include <cctype>
#include <sstream>
#include <utility>

#include "caldav/dav/url.hpp"

namespace nachfass::caldav {
namespace {

// The xmlns bindings in force at one element; parents are on the caller's stack.
struct NsScope {
  const NsScope* parent = nullptr;
  std::vector<std::pair<std::string_view, std::string_view>> bindings;  // prefix ("" = default)

  std::string_view lookup(std::string_view prefix) const {
    for (const NsScope* s = this; s != nullptr; s = s->parent)
      for (auto it = s->bindings.rbegin(); it != s->bindings.rend(); ++it)
        if (it->first == prefix) return it->second;
    return {};
  }
};

NsScope scope_of(const pugi::xml_node& node, const NsScope* parent) {
  NsScope scope;
  scope.parent = parent;
  for (const auto& attribute : node.attributes()) {
    const std::string_view name = attribute.name();
    if (name == "xmlns")
      scope.bindings.emplace_back("", attribute.value());
    else if (name.starts_with("xmlns:"))
      scope.bindings.emplace_back(name.substr(6), attribute.value());
  }
  return scope;
}

struct QName {
  std::string_view ns;
  std::string_view local;
  bool is(std::string_view n, std::string_view l) const { return ns == n && local == l; }
};

QName qname(const pugi::xml_node& node, const NsScope& scope) {
  const std::string_view name = node.name();
  const auto colon = name.find(':');
  if (colon == std::string_view::npos) return {scope.lookup(""), name};
  return {scope.lookup(name.substr(0, colon)), name.substr(colon + 1)};
}

// Calls fn(child, child_scope, child_qname) for every element child of `node`.
template <class Fn>
void for_each_element(const pugi::xml_node& node, const NsScope& scope, Fn&& fn) {
  for (auto child = node.first_child(); child; child = child.next_sibling()) {
    if (child.type() != pugi::node_element) continue;
    const NsScope child_scope = scope_of(child, &scope);
    fn(child, child_scope, qname(child, child_scope));
  }
}

// The text directly inside `node` (PCDATA and CDATA children, concatenated).
std::string text_of(const pugi::xml_node& node) {
  std::string out;
  for (auto child = node.first_child(); child; child = child.next_sibling())
    if (child.type() == pugi::node_pcdata || child.type() == pugi::node_cdata) out += child.value();
  return out;
}

std::string trimmed(std::string_view text) {
  while (!text.empty() && std::isspace(static_cast<unsigned char>(text.front())))
    text.remove_prefix(1);
  while (!text.empty() && std::isspace(static_cast<unsigned char>(text.back())))
    text.remove_suffix(1);
  return std::string(text);
}

// The resolved DAV:href children of `node`.
std::vector<std::string> hrefs_in(const pugi::xml_node& node, const NsScope& scope,
                                  std::string_view request_url) {
  std::vector<std::string> out;
  for_each_element(node, scope, [&](const pugi::xml_node& child, const NsScope&, QName name) {
    if (!name.is(dav_ns, "href")) return;
    if (auto url = resolve_url(request_url, trimmed(text_of(child)))) out.push_back(*url);
  });
  return out;
}

void read_property(const pugi::xml_node& prop, const NsScope& scope, QName name,
                   std::string_view request_url, DavResource& resource) {
  if (name.is(dav_ns, "getetag")) {
    resource.etag = trimmed(text_of(prop));
  } else if (name.is(dav_ns, "displayname")) {
    resource.display_name = trimmed(text_of(prop));
  } else if (name.is(caldav_ns, "calendar-data")) {
    resource.calendar_data = text_of(prop);
  } else if (name.is(calendarserver_ns, "getctag")) {
    resource.ctag = trimmed(text_of(prop));
  } else if (name.is(dav_ns, "resourcetype")) {
    resource.has_resourcetype = true;
    for_each_element(prop, scope, [&](const pugi::xml_node&, const NsScope&, QName type) {
      if (type.is(dav_ns, "collection")) resource.is_collection = true;
      if (type.is(caldav_ns, "calendar")) resource.is_calendar = true;
      if (type.is(dav_ns, "principal")) resource.is_principal = true;
    });
  } else if (name.is(caldav_ns, "supported-calendar-component-set")) {
    std::vector<std::string> components;
    for_each_element(prop, scope, [&](const pugi::xml_node& comp, const NsScope&, QName type) {
      if (type.is(caldav_ns, "comp")) components.push_back(comp.attribute("name").value());
    });
    resource.components = std::move(components);
  } else if (name.is(dav_ns, "current-user-privilege-set")) {
    std::vector<std::string> privileges;
    for_each_element(
        prop, scope, [&](const pugi::xml_node& privilege, const NsScope& p_scope, QName type) {
          if (!type.is(dav_ns, "privilege")) return;
          for_each_element(privilege, p_scope, [&](const pugi::xml_node&, const NsScope&, QName p) {
            privileges.emplace_back(p.local);
          });
        });
    resource.privileges = std::move(privileges);
  } else if (name.is(caldav_ns, "schedule-calendar-transp")) {
    bool transparent = false;
    for_each_element(prop, scope, [&](const pugi::xml_node&, const NsScope&, QName value) {
      if (value.is(caldav_ns, "transparent")) transparent = true;
    });
    resource.transparent = transparent;
  } else if (name.is(dav_ns, "current-user-principal")) {
    auto hrefs = hrefs_in(prop, scope, request_url);
    if (!hrefs.empty()) resource.current_user_principal = std::move(hrefs.front());
  } else if (name.is(caldav_ns, "calendar-home-set")) {
    resource.calendar_home_set = hrefs_in(prop, scope, request_url);
  }
}

void read_propstat(const pugi::xml_node& propstat, const NsScope& scope,
                   std::string_view request_url, DavResource& resource) {
  int status = 0;
  for_each_element(propstat, scope, [&](const pugi::xml_node& child, const NsScope&, QName name) {
    if (name.is(dav_ns, "status")) status = parse_status_line(trimmed(text_of(child)));
  });
  if (status < 200 || status > 299) return;
  for_each_element(propstat, scope,
                   [&](const pugi::xml_node& prop, const NsScope& prop_scope, QName name) {
                     if (!name.is(dav_ns, "prop")) return;
                     for_each_element(prop, prop_scope,
                                      [&](const pugi::xml_node& property,
                                          const NsScope& property_scope, QName property_name) {
                                        read_property(property, property_scope, property_name,
                                                      request_url, resource);
                                      });
                   });
}

}  // namespace

int parse_status_line(std::string_view line) {
  // "HTTP/1.1 200 OK"; the version is not checked (some servers write HTTP/1.0).
  if (!line.starts_with("HTTP/")) return 0;
  const auto space = line.find(' ');
  if (space == std::string_view::npos || space + 4 > line.size()) return 0;
  int code = 0;
  for (std::size_t i = space + 1; i < space + 4; ++i) {
    if (line[i] < '0' || line[i] > '9') return 0;
    code = code * 10 + (line[i] - '0');
  }
  if (space + 4 < line.size() && line[space + 4] != ' ') return 0;
  return code;
}

Result<Multistatus> parse_multistatus(std::string_view body, std::string_view request_url,
                                      std::string_view host, std::string_view step) {
  auto bad = [&](std::string_view what) {
    return make_error(ErrorScope::transient, "caldav.bad_xml",
                      "malformed WebDAV response from " + std::string(host) + " (" +
                          std::string(step) + "): " + std::string(what) +
                          "; retry later, and check that [calendar] url points to a CalDAV server");
  };
  pugi::xml_document document;
  // pugixml knows the five predefined entities and numeric references only; it never expands
  // DTD entities, so a hostile body cannot blow up (billion laughs) or reach out (XXE).
  const auto parsed =
      document.load_buffer(body.data(), body.size(), pugi::parse_default, pugi::encoding_utf8);
  if (!parsed)
    return bad(std::string(parsed.description()) + " at byte " + std::to_string(parsed.offset));
  const auto root = document.document_element();
  const NsScope document_scope;
  const NsScope root_scope = scope_of(root, &document_scope);
  if (!root || !qname(root, root_scope).is(dav_ns, "multistatus"))
    return bad("the root element is not DAV:multistatus");

  Multistatus out;
  for_each_element(root, root_scope,
                   [&](const pugi::xml_node& response, const NsScope& response_scope, QName name) {
                     if (!name.is(dav_ns, "response")) return;
                     DavResource resource;
                     bool has_href = false;
                     for_each_element(
                         response, response_scope,
                         [&](const pugi::xml_node& child, const NsScope& child_scope, QName part) {
                           if (part.is(dav_ns, "href") && !has_href) {
                             // RFC 4918 allows several hrefs only with a response-level status; the
                             // first names the resource.
                             if (auto url = resolve_url(request_url, trimmed(text_of(child)))) {
                               resource.href = std::move(*url);
                               has_href = true;
                             }
                           } else if (part.is(dav_ns, "status")) {
                             resource.status = parse_status_line(trimmed(text_of(child)));
                           } else if (part.is(dav_ns, "propstat")) {
                             read_propstat(child, child_scope, request_url, resource);
                           } else if (part.is(dav_ns, "error")) {
                             for_each_element(child, child_scope,
                                              [&](const pugi::xml_node&, const NsScope&, QName c) {
                                                resource.error_conditions.emplace_back(c.local);
                                              });
                           }
                         });
                     if (has_href) out.responses.push_back(std::move(resource));
                   });
  return out;
}

std::vector<std::string> error_conditions(std::string_view body) {
  std::vector<std::string> out;
  pugi::xml_document document;
  if (!document.load_buffer(body.data(), body.size(), pugi::parse_default, pugi::encoding_utf8))
    return out;
  const auto root = document.document_element();
  const NsScope document_scope;
  const NsScope root_scope = scope_of(root, &document_scope);
  const QName root_name = qname(root, root_scope);
  if (root_name.is(dav_ns, "error")) {
    for_each_element(root, root_scope, [&](const pugi::xml_node&, const NsScope&, QName name) {
      out.emplace_back(name.local);
    });
  } else if (root_name.is(dav_ns, "multistatus")) {
    auto parsed = parse_multistatus(body, "http://localhost/", "", "");
    if (parsed)
      for (auto& response : parsed->responses)
        out.insert(out.end(), response.error_conditions.begin(), response.error_conditions.end());
  }
  return out;
}

namespace {

constexpr const char* dav_prefix = "d";
constexpr const char* caldav_prefix = "c";

pugi::xml_node add(pugi::xml_node parent, std::string_view prefix, std::string_view local) {
  return parent.append_child((std::string(prefix) + ":" + std::string(local)).c_str());
}

pugi::xml_node start_document(pugi::xml_document& document, std::string_view prefix,
                              std::string_view root) {
  auto declaration = document.append_child(pugi::node_declaration);
  declaration.append_attribute("version") = "1.0";
  declaration.append_attribute("encoding") = "utf-8";
  auto node = add(document, prefix, root);
  node.append_attribute("xmlns:d") = "DAV:";
  node.append_attribute("xmlns:c") = std::string(caldav_ns).c_str();
  node.append_attribute("xmlns:cs") = std::string(calendarserver_ns).c_str();
  return node;
}

std::string serialise(const pugi::xml_document& document) {
  std::ostringstream out;
  document.save(out, "", pugi::format_raw, pugi::encoding_utf8);
  return out.str();
}

void add_vevent_filter(pugi::xml_node query, const std::optional<TimeRange>& range,
                       bool recurring_only) {
  auto filter = add(query, caldav_prefix, "filter");
  auto vcalendar = add(filter, caldav_prefix, "comp-filter");
  vcalendar.append_attribute("name") = "VCALENDAR";
  auto vevent = add(vcalendar, caldav_prefix, "comp-filter");
  vevent.append_attribute("name") = "VEVENT";
  if (range) {
    auto time_range = add(vevent, caldav_prefix, "time-range");
    time_range.append_attribute("start") = range->start.c_str();
    time_range.append_attribute("end") = range->end.c_str();
  }
  if (recurring_only) {
    auto prop_filter = add(vevent, caldav_prefix, "prop-filter");
    prop_filter.append_attribute("name") = "RRULE";
  }
}

}  // namespace

std::string propfind_body(bool discovery_props) {
  pugi::xml_document document;
  auto propfind = start_document(document, dav_prefix, "propfind");
  auto prop = add(propfind, dav_prefix, "prop");
  if (discovery_props) {
    add(prop, dav_prefix, "resourcetype");
    add(prop, dav_prefix, "displayname");
    add(prop, dav_prefix, "current-user-principal");
    add(prop, dav_prefix, "current-user-privilege-set");
    add(prop, caldav_prefix, "calendar-home-set");
    add(prop, caldav_prefix, "supported-calendar-component-set");
    add(prop, caldav_prefix, "schedule-calendar-transp");
  } else {
    add(prop, dav_prefix, "getetag");
  }
  return serialise(document);
}

std::string mkcalendar_body(std::string_view display_name) {
  pugi::xml_document document;
  auto mkcalendar = start_document(document, caldav_prefix, "mkcalendar");
  auto prop = add(add(mkcalendar, dav_prefix, "set"), dav_prefix, "prop");
  add(prop, dav_prefix, "displayname").text() = std::string(display_name).c_str();
  auto components = add(prop, caldav_prefix, "supported-calendar-component-set");
  add(components, caldav_prefix, "comp").append_attribute("name") = "VEVENT";
  return serialise(document);
}

std::string calendar_query_body(bool with_data, const std::optional<TimeRange>& range,
                                bool recurring_only) {
  pugi::xml_document document;
  auto query = start_document(document, caldav_prefix, "calendar-query");
  auto prop = add(query, dav_prefix, "prop");
  add(prop, dav_prefix, "getetag");
  if (with_data) add(prop, caldav_prefix, "calendar-data");
  add_vevent_filter(query, range, recurring_only);
  return serialise(document);
}

std::string calendar_multiget_body(const std::vector<std::string>& href_paths) {
  pugi::xml_document document;
  auto multiget = start_document(document, caldav_prefix, "calendar-multiget");
  auto prop = add(multiget, dav_prefix, "prop");
  add(prop, dav_prefix, "getetag");
  add(prop, caldav_prefix, "calendar-data");
  for (const auto& href : href_paths) add(multiget, dav_prefix, "href").text() = href.c_str();
  return serialise(document);
}

}  // namespace nachfass::caldav
