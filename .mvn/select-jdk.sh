# Sourced by ./mvnw before it starts Maven: make sure Maven (and so the compiler, the tests and
# quarkus:run) runs on a JDK >= 21. Keeps JAVA_HOME if it already points to one; otherwise takes the
# newest JDK >= 21 found in the usual install folders. Prints why it fails if there is none.
lic_java_major() {
  # The JDK's release file says it without starting a JVM (JAVA_VERSION="25.0.3", or "1.8.0_x" for 8).
  lic_v=$(sed -n 's/^JAVA_VERSION="\(1\.\)\{0,1\}\([0-9][0-9]*\).*/\2/p' "$1/release" 2>/dev/null | head -n 1)
  if [ -n "$lic_v" ]; then echo "$lic_v"; return; fi
  "$1/bin/java" -XshowSettings:properties -version 2>&1 |
    sed -n 's/^ *java\.specification\.version = \([0-9][0-9]*\).*/\1/p' | head -n 1
}
lic_jdk_ok() {
  [ -x "$1/bin/java" ] && [ -x "$1/bin/javac" ] && v=$(lic_java_major "$1") && [ -n "$v" ] && [ "$v" -ge 21 ]
}
if [ -z "${JAVA_HOME:-}" ] || ! lic_jdk_ok "$JAVA_HOME"; then
  lic_best="" lic_best_v=0
  set +f  # the wrapper runs with globbing off
  for lic_dir in /usr/lib/jvm/* /usr/java/* /opt/java/* /opt/jdk* "$HOME"/.sdkman/candidates/java/* \
      "$HOME"/.jdks/* /Library/Java/JavaVirtualMachines/*/Contents/Home; do
    if lic_jdk_ok "$lic_dir" && [ "$v" -gt "$lic_best_v" ]; then lic_best=$lic_dir lic_best_v=$v; fi
  done
  set -f
  if [ -z "$lic_best" ]; then
    echo "mvnw: this project needs a JDK >= 21. Install one (e.g. Temurin 21 or 25) and set JAVA_HOME to it." >&2
    exit 1
  fi
  JAVA_HOME=$lic_best
  export JAVA_HOME
fi
