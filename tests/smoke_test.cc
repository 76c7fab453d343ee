#include <gtest/gtest.h>

#include <filesystem>

#include "support/paths.h"

TEST(Smoke, SharedDataIsThere) { EXPECT_TRUE(std::filesystem::exists(sparrow::testing::shared_dir() / "README.md")); }
