# Sourced by the scripts that run the verify module's test code (evaluation, benchmarks):
# compiles both modules' tests and sets $cp_test to the verify module's test class path.
# Usage: . scripts/lib/verify-classpath.sh [MAVEN OPTIONS]
mvn -B -q "$@" -pl verify -am test-compile dependency:build-classpath -Dmdep.includeScope=test \
  -Dmdep.outputFile="$PWD/verify/target/test-classpath.txt" >/dev/null
cp_test="verify/target/test-classes:verify/target/classes:$(cat verify/target/test-classpath.txt)"
