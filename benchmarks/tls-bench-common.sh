# Sourced by the TLS benchmark scripts (from the project root): checks the tools, makes a throw-away
# EC P-256 certificate for localhost (CERT, KEY) and names the jars (JAR, BJAR).
command -v wrk >/dev/null || { echo "wrk is not installed (apt-get install wrk)"; exit 2; }
command -v openssl >/dev/null || { echo "openssl is not installed"; exit 2; }
mkdir -p target/bench
CERT=target/bench/tls-cert.pem; KEY=target/bench/tls-key.pem
openssl req -x509 -newkey ec -pkeyopt ec_paramgen_curve:prime256v1 -nodes -keyout $KEY -out $CERT -days 2 \
  -subj /CN=localhost -addext subjectAltName=DNS:localhost,IP:127.0.0.1 2>/dev/null
JAR=samples/target/evpl-samples.jar
BJAR=benchmarks/target/benchmarks.jar
