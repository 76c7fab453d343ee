#include "frontends/hf/sha256.h"

#include <gtest/gtest.h>

#include <string>

namespace sparrow::hf {
namespace {

// FIPS 180-4 examples and NIST CAVS short/long messages.
TEST(Sha256, KnownVectors) {
  EXPECT_EQ(sha256_hex(""), "e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855");
  EXPECT_EQ(sha256_hex("abc"), "ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad");
  EXPECT_EQ(sha256_hex("abcdbcdecdefdefgefghfghighijhijkijkljklmklmnlmnomnopnopq"),
            "248d6a61d20638b8e5c026930c3e6039a33ce45964ff2167f6ecedd419db06c1");
  EXPECT_EQ(sha256_hex(std::string(1000000, 'a')),
            "cdc76e5c9914fb9281a1c7e284d73e67f1809a48a497200e046d39ccc7112cd0");
}

// Every length around the 55/56/64-byte padding boundaries, fed whole and byte by byte.
TEST(Sha256, IncrementalEqualsWhole) {
  std::string data;
  for (int i = 0; i < 300; ++i) data += static_cast<char>(i * 7 + 3);
  for (size_t n = 0; n <= data.size(); ++n) {
    Sha256 h;
    for (size_t i = 0; i < n; ++i) h.update(&data[i], 1);
    ASSERT_EQ(h.hex_digest(), sha256_hex(data.substr(0, n))) << "length " << n;
  }
  EXPECT_EQ(sha256_hex(std::string(55, 'x')),
            "d5e285683cd4efc02d021a5c62014694958901005d6f71e89e0989fac77e4072")
      << "one-block padding edge";
}

}  // namespace
}  // namespace sparrow::hf
