// `audiocloud cert`: the fabric's certificates, checked by OpenSSL (a
// TLS library other than the GnuTLS that made them): the node's chain
// verifies against its CA and not against another CA, for TLS as a server
// and as a client; the names, key usages and key are what
// docs/spec/wire.md asks; private keys are 0600; nothing is overwritten.
#include <gtest/gtest.h>
#include <sys/stat.h>

#include "render_helpers.h"
#include "run_command.h"

namespace ac {
namespace {

const std::string kBinary = AUDIOCLOUD_BINARY;

TEST(Cert, ANodeCertificateVerifiesAgainstItsCaOnly) {
  test::TempDir tmp;
  const std::string a = tmp.path("a"), b = tmp.path("b");
  ASSERT_EQ(test::run_command("mkdir -p " + a + " " + b).exit_code, 0);
  auto r = test::run_command(kBinary + " cert ca --name \"studio CA\" -o " + a);
  ASSERT_EQ(r.exit_code, 0) << r.output;
  EXPECT_NE(r.output.find("next: audiocloud cert node NAME --ca " + a), std::string::npos) << r.output;
  r = test::run_command(kBinary + " cert node studio-a --ca " + a + " -o " + a);
  ASSERT_EQ(r.exit_code, 0) << r.output;
  ASSERT_EQ(test::run_command(kBinary + " cert ca -o " + b).exit_code, 0);

  // The chain, for both ends of a TLS connection.
  for (const char* purpose : {"sslserver", "sslclient"}) {
    const auto ok = test::run_command("openssl verify -purpose " + std::string(purpose) + " -CAfile " + a + "/ca.pem " +
                                      a + "/studio-a.pem");
    EXPECT_EQ(ok.exit_code, 0) << ok.output;
    EXPECT_NE(ok.output.find(": OK"), std::string::npos) << ok.output;
  }
  const auto other = test::run_command("openssl verify -CAfile " + b + "/ca.pem " + a + "/studio-a.pem");
  EXPECT_NE(other.exit_code, 0) << "a certificate of another CA must not verify: " << other.output;

  // What the certificates say.
  const auto node = test::run_command("openssl x509 -noout -text -in " + a + "/studio-a.pem");
  ASSERT_EQ(node.exit_code, 0) << node.output;
  for (const char* want : {"Subject: CN = studio-a", "Issuer: CN = studio CA", "DNS:studio-a", "CA:FALSE",
                           "TLS Web Server Authentication, TLS Web Client Authentication", "Digital Signature",
                           "prime256v1", "ecdsa-with-SHA256", "X509v3 Authority Key Identifier"})
    EXPECT_NE(node.output.find(want), std::string::npos) << want << "\n" << node.output;
  const auto ca = test::run_command("openssl x509 -noout -text -in " + a + "/ca.pem");
  for (const char* want : {"CA:TRUE", "Certificate Sign, CRL Sign", "Subject: CN = studio CA"})
    EXPECT_NE(ca.output.find(want), std::string::npos) << want << "\n" << ca.output;
  // The key is the certificate's.
  const auto pub_cert = test::run_command("openssl x509 -noout -pubkey -in " + a + "/studio-a.pem");
  const auto pub_key = test::run_command("openssl pkey -pubout -in " + a + "/studio-a.key");
  EXPECT_EQ(pub_cert.output, pub_key.output);
  struct stat st {};
  ASSERT_EQ(::stat((a + "/studio-a.key").c_str(), &st), 0);
  EXPECT_EQ(st.st_mode & 0777, 0600u);
  ASSERT_EQ(::stat((a + "/ca.key").c_str(), &st), 0);
  EXPECT_EQ(st.st_mode & 0777, 0600u);
}

TEST(Cert, MistakesAreRefusedAndNothingIsOverwritten) {
  test::TempDir tmp;
  const std::string dir = tmp.path("");
  ASSERT_EQ(test::run_command(kBinary + " cert ca -o " + dir).exit_code, 0);
  const std::string before = test::read_text(dir + "/ca.pem");
  auto r = test::run_command(kBinary + " cert ca -o " + dir);
  EXPECT_EQ(r.exit_code, 2) << r.output;
  EXPECT_NE(r.output.find("ca.pem exists already (not overwritten)"), std::string::npos) << r.output;
  EXPECT_EQ(test::read_text(dir + "/ca.pem"), before);
  r = test::run_command(kBinary + " cert node \"bad name\" -o " + dir);
  EXPECT_EQ(r.exit_code, 1) << r.output;
  EXPECT_NE(r.output.find("node name 'bad name': letters, digits and '-'"), std::string::npos) << r.output;
  r = test::run_command(kBinary + " cert node n1 --ca " + dir + "/nowhere -o " + dir);
  EXPECT_EQ(r.exit_code, 2) << r.output;
  EXPECT_NE(r.output.find("cannot read " + dir + "/nowhere/ca.pem"), std::string::npos) << r.output;
  r = test::run_command(kBinary + " cert node n1 -o " + dir + " --days 0");
  EXPECT_EQ(r.exit_code, 0) << "0 means the default: " << r.output;
  r = test::run_command(kBinary + " cert node n2 -o " + dir + " --days 40000");
  EXPECT_EQ(r.exit_code, 1) << r.output;
  // A node certificate is no CA: it cannot sign another node.
  ASSERT_EQ(test::run_command("mkdir " + dir + "/fake && cp " + dir + "/n1.pem " + dir + "/fake/ca.pem && cp " + dir +
                              "/n1.key " + dir + "/fake/ca.key")
                .exit_code,
            0);
  r = test::run_command(kBinary + " cert node n3 --ca " + dir + "/fake -o " + dir);
  EXPECT_NE(r.exit_code, 0);
  EXPECT_NE(r.output.find("is not a CA certificate"), std::string::npos) << r.output;
}

}  // namespace
}  // namespace ac
