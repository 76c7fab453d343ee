// Polynomial coefficients of the double exp, erf and tanh in vmath_impl.h. Fitted by fit_coefficients.py
// (mpmath, 50 digits: interpolation at Chebyshev nodes, which is within a few percent of minimax, then
// rounded to double); `python3 fit_coefficients.py emit` prints this table. The fitted polynomials' own error
// (with the rounded coefficients, in exact arithmetic) is below 1e-16 relative on their intervals; the
// rounding of the evaluation adds the rest of the bound in vmath.h.
#pragma once

namespace sparrow::kernels::vmath {

// exp(r) = 1 + r + r^2 * Q(r), |r| <= ln2/2
inline constexpr double kExpQ[10] = {
    0x1.0000000000001p-1,  0x1.5555555555556p-3,  0x1.5555555553d68p-5,  0x1.11111111109b5p-7,
    0x1.6c16c17889ef1p-10, 0x1.a01a01a7c2efep-13, 0x1.a019b9149a41cp-16, 0x1.71de0db2f6b19p-19,
    0x1.28917c89a43a7p-22, 0x1.af389ecfc4b9cp-26,
};
// erf(z) = z + z * P(z^2), |z| < 0.75
inline constexpr double kErfSmall[11] = {
    0x1.06eba8214db69p-3,  -0x1.812746b0379e0p-2,  0x1.ce2f21a0424c3p-4,  -0x1.b82ce31257412p-6,
    0x1.565bcd03657c0p-8,  -0x1.c02db1220cfe6p-11, 0x1.f9a2afa3a8f86p-14, -0x1.f4c5debf1228ap-17,
    0x1.b90ecd4aeec12p-20, -0x1.564f71bbc0d35p-23, 0x1.8a312cb07e6ccp-27,
};
// tanh(u) = u + u * u^2 Q(u^2), |u| < 0.625
inline constexpr double kTanhSmall[12] = {
    -0x1.5555555555555p-2,  0x1.11111111110a8p-3,  -0x1.ba1ba1ba0f126p-5,  0x1.664f487e0a749p-6,
    -0x1.226e3473dce5cp-7,  0x1.d6d39ae3905e2p-9,  -0x1.7d9f6f23e8682p-10, 0x1.3526e9ed54da1p-11,
    -0x1.f243823c8c981p-13, 0x1.8445870f6fe41p-14, -0x1.05bbdae896297p-15, 0x1.b33642a122cddp-18,
};
// erfc(z) * exp(z^2) on 8 intervals [0.75 + j w, 0.75 + (j+1) w), w = 5.25/8: coefficient i of
// interval j in kErfcx[i][j], in powers of t = z - (0.75 + (j + 1/2) w)
inline constexpr double kErfcx[15][8] = {
    {0x1.a0ea885c67852p-2, 0x1.25ebd4f5ff413p-2, 0x1.c104b67818233p-3, 0x1.6971f67d84ef2p-3,
     0x1.2db53c73c80f8p-3, 0x1.02913224149d2p-3, 0x1.c415bdbf610ebp-4, 0x1.916085fc78d4ap-4},
    {-0x1.007c1e0967a44p-2, -0x1.0fd792b6b2e23p-3, -0x1.481a3f66349c6p-4, -0x1.b174c851ae955p-5,
     -0x1.3195819f300f8p-5, -0x1.c44dd7b5cfe30p-6, -0x1.5b74e36b5745dp-6, -0x1.12e1816a83053p-6},
    {0x1.18c96ff487903p-3, 0x1.d1771ddc81088p-5, 0x1.c6aab57f6a024p-6, 0x1.f4601e74cf368p-7,
     0x1.2cdd373689121p-7, 0x1.8318e3103a9ecp-8, 0x1.0682c95c8a031p-8, 0x1.73586f4e2188fp-9},
    {-0x1.1854147ee68c4p-4, -0x1.756f996b24ec6p-6, -0x1.2ca12f9af6ad9p-7, -0x1.16fdb0a3c3f91p-8,
     -0x1.2087901221bd7p-9, -0x1.449257f6aaaabp-10, -0x1.863dbe8684a9dp-11, -0x1.ef0d156fb518ap-12},
    {0x1.035839d03e163p-5, 0x1.1b40ada32de11p-7, 0x1.7d482a60bc8c9p-9, 0x1.2d668d6d4aa0ep-10,
     0x1.0dfdb6adfeac9p-11, 0x1.0aeb299334f53p-12, 0x1.1d9136933d69ap-13, 0x1.45ca89b6ea3ffp-14},
    {-0x1.c1ae77762d10dp-7, -0x1.98f80918a5771p-9, -0x1.d1a05b6103602p-11, -0x1.3c36df701da1cp-12,
     -0x1.edc8b28d74614p-14, -0x1.af00aec2ffd9cp-15, -0x1.9bbba7983bc95p-16, -0x1.a78b68778c115p-17},
    {0x1.706089a4e326cp-8, 0x1.1a7859d9a8de7p-10, 0x1.12a8df5f7ac54p-12, 0x1.42d95be4d00e8p-14,
     0x1.b9d8aafae1a34p-16, 0x1.55edc3aa1e31dp-17, 0x1.249600032b26ap-18, 0x1.100ccc41aff71p-19},
    {-0x1.1ef9a0cfec899p-9, -0x1.76e3d01f92f37p-12, -0x1.39e125594904fp-14, -0x1.415841fade1a2p-16,
     -0x1.83575c9c793c6p-18, -0x1.0ac28b816883fp-19, -0x1.9a20a0b84d6efp-21, -0x1.59793e8350fd6p-22},
    {0x1.ab5bf08204569p-11, 0x1.dfae49a579a8ep-14, 0x1.5c453fea20cd5p-16, 0x1.384c866860184p-18,
     0x1.4d0328e470223p-20, 0x1.999decf352138p-22, 0x1.1ba459f7acca2p-23, 0x1.b1d566f49aa26p-25},
    {-0x1.316749c62d44dp-12, -0x1.28b7bf0e17831p-15, -0x1.77f10b122909ap-18, -0x1.28bfeec45d472p-20,
     -0x1.190c3e45f3aebp-22, -0x1.35b1b4b8e1263p-24, -0x1.83521e7493839p-26, -0x1.0d74f2ff8263dp-27},
    {0x1.a45e1e21b329bp-14, 0x1.63cb9a5d370cfp-17, 0x1.8b7a8e72dc803p-20, 0x1.14079affe8c74p-22,
     0x1.d212433dcafbbp-25, 0x1.cd6e8c1420368p-27, 0x1.052f31ea74956p-28, 0x1.4b36e7328f8bap-30},
    {-0x1.173fecb48f81cp-15, -0x1.9e3cb1c6cbb75p-19, -0x1.95f5b9fe09d8bp-22, -0x1.f727c8390abcfp-25,
     -0x1.7bef714619423p-27, -0x1.52e2d2d4307fdp-29, -0x1.5c0740ea5d8bdp-31, -0x1.92f72974af58ep-33},
    {0x1.67762a638dd2fp-17, 0x1.d57d13da6c807p-21, 0x1.975f9a8bb50a4p-24, 0x1.c1e8c9591bee9p-27,
     0x1.30c598c29d703p-29, 0x1.eb08d8120cf66p-32, 0x1.ca66d50d0098ep-34, 0x1.e56a68757d980p-36},
    {-0x1.d1c5f3054b9ffp-19, -0x1.0af1da7288745p-22, -0x1.995aea271cdf2p-26, -0x1.9264819d173fdp-29,
     -0x1.e8c2b8a050cf8p-32, -0x1.637c6cd4b8d87p-34, -0x1.2d9f4ac185a0fp-36, -0x1.2418268669d88p-38},
    {0x1.1a39d93607f25p-20, 0x1.1f729e58eabe7p-24, 0x1.89612afdb6a3cp-28, 0x1.5ae40809b541ap-31,
     0x1.7c1e5a47bcb52p-34, 0x1.f5b706829dd75p-37, 0x1.847346fcbf653p-39, 0x1.59210677d46a6p-41},
};

}  // namespace sparrow::kernels::vmath
