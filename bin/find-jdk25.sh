# Sourced by ./mvnw and bin/inference-server: points JAVA_HOME at a JDK 25 or explains what is missing.
# Order: $JAVA_HOME if it is 25+, then /usr/lib/jvm/*25*, then the `java` on PATH if it is 25+.
java_feature_version() {
  "$1/bin/java" -XshowSettings:properties -version 2>&1 | sed -n 's/^ *java\.specification\.version = //p' | head -n 1
}
is_jdk25_plus() {
  [ -x "$1/bin/java" ] || return 1
  v=$(java_feature_version "$1")
  [ -n "$v" ] && [ "${v%%.*}" -ge 25 ] 2>/dev/null
}
find_jdk25() {
  if [ -n "${JAVA_HOME-}" ] && is_jdk25_plus "$JAVA_HOME"; then return 0; fi
  # find, not a glob: ./mvnw runs with `set -f`.
  for candidate in $(find /usr/lib/jvm -mindepth 1 -maxdepth 1 -name '*25*' 2>/dev/null | sort); do
    if is_jdk25_plus "$candidate"; then JAVA_HOME=$candidate; export JAVA_HOME; return 0; fi
  done
  if command -v java >/dev/null 2>&1; then
    candidate=$(cd "$(dirname "$(readlink -f "$(command -v java)")")/.." && pwd)
    if is_jdk25_plus "$candidate"; then JAVA_HOME=$candidate; export JAVA_HOME; return 0; fi
  fi
  echo "error: JDK 25 not found. Checked \$JAVA_HOME (${JAVA_HOME-unset}), /usr/lib/jvm/*25* and the java on PATH." >&2
  echo "       Install a JDK 25 (e.g. Temurin 25) and set JAVA_HOME to it." >&2
  return 1
}
find_jdk25 || exit 1
