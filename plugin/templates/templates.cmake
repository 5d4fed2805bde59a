# The built-in letter templates, compiled into nachfass_letters (see embed.cmake): one directory
# per language, three files per kind (subject, HTML body, plain-text body). A user's templates
# directory with the same layout overrides them (plugin/letters/letters.hpp).
set(NACHFASS_TEMPLATE_KINDS late-reply apology follow-up renewal win-back welcome-back)
set(NACHFASS_TEMPLATE_FILES)
foreach(lang IN ITEMS de en)
  foreach(kind IN LISTS NACHFASS_TEMPLATE_KINDS)
    foreach(part IN ITEMS subject html txt)
      list(APPEND NACHFASS_TEMPLATE_FILES ${lang}/${kind}.${part}.mustache)
    endforeach()
  endforeach()
endforeach()
