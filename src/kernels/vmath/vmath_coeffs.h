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

// gelu_erf's fast path (vmath_impl.h erfc_fast), printed by `python3 fit_coefficients.py emitfast`; `fast`
// prints the fitted error (coefficients rounded to double, exact arithmetic, 300 points per interval): exp
// 7.4e-14, erfcx 2.4e-13 (both tables), relative. erfcx(a) = erfc(a) exp(a^2) on [0, 6.0625] in N intervals,
// interval j = floor(a (kAlpha - kBeta a)) (narrower near 0, where erfcx bends most), coefficient i of
// interval j in kC[i][j], in powers of t = a - kCenter[j].
// exp(r) = 1 + r + r^2 * Q(r), |r| <= ln2/2 (gelu_erf's fast path)
inline constexpr double kExpFastQ[8] = {0x1.fffffffffe069p-2,  0x1.5555555554f97p-3,  0x1.55555565c559fp-5,
                                        0x1.111111170ad56p-7,  0x1.6c166be75a859p-10, 0x1.a019c3721fb3ep-13,
                                        0x1.a136b06babd51p-16, 0x1.72ad3ae3ed777p-19};
struct ErfcxFast16 {  // 16 intervals of [0, 6.0625], degree 8
  static constexpr double kAlpha = 0x1.1472fd3b137e2p+2, kBeta = 0x1.1bd273d5bab22p-2;
  static constexpr double kCenter[16] = {
      0x1.e163332e94f2ap-4, 0x1.6ce7ee3f06a62p-2, 0x1.34cc098ab376fp-1, 0x1.b7a3f91cddb03p-1,
      0x1.1fc04876c7529p+0, 0x1.668129109123cp+0, 0x1.b077281228e8cp+0, 0x1.fe1d897388446p+0,
      0x1.2808ff72b43b2p+1, 0x1.5391f3217969cp+1, 0x1.8236c54607460p+1, 0x1.b4c073fb92ee3p+1,
      0x1.ec5f42efa1131p+1, 0x1.15853cf7c3f3dp+2, 0x1.3a4117759ea12p+2, 0x1.69246a3b3d227p+2};
  static constexpr double kC[9][16] = {
      {0x1.c2980831f614cp-1, 0x1.651a4cdab3a5cp-1, 0x1.2200ecec828b8p-1, 0x1.e0c9884c2b1f5p-2,
       0x1.956e951ecc14fp-2, 0x1.5acc5582e6bedp-2, 0x1.2c2a69e269110p-2, 0x1.0655241e96769p-2,
       0x1.ce24b63c2f0dcp-3, 0x1.9996f01adb6a5p-3, 0x1.6cad91c099146p-3, 0x1.45a6a07e3e9acp-3,
       0x1.231dfe785b183p-3, 0x1.03e175a699d60p-3, 0x1.cd6d2f8e520b9p-4, 0x1.9361b32303854p-4},
      {-0x1.d7d121bf489dap-1, -0x1.433873dbec52bp-1, -0x1.c7d552df93fdbp-2, -0x1.49c84729fc686p-2,
       -0x1.e80dac9ef3256p-3, -0x1.7048c76c05ed5p-3, -0x1.1a9e829c76b1cp-3, -0x1.b7f83ca2bc726p-4,
       -0x1.5a81c83b3cf69p-4, -0x1.137434b776b36p-4, -0x1.b8f2ea1dadaf2p-5, -0x1.626502f129fd7p-5,
       -0x1.1d0f0b959cd52p-5, -0x1.c8cfac1a271b6p-6, -0x1.69b5563bebda2p-6, -0x1.1598695ebceadp-6},
      {0x1.8b249be814e59p-1, 0x1.e3d80cf7a859ep-2, 0x1.3115de80b572ap-2, 0x1.8b396320f65a9p-3,
       0x1.0647414f96d11p-3, 0x1.63b228c97430cp-4, 0x1.eb972dc4f2bb8p-5, 0x1.594288a9b1927p-5,
       0x1.eb93c7371c602p-6, 0x1.61b81ef5c2af8p-6, 0x1.007a1dddfc1d4p-6, 0x1.75765d3f241e5p-7,
       0x1.0fc7fc7939a16p-7, 0x1.88c7565aed7afp-8, 0x1.168cb986aefcap-8, 0x1.78c93d84a66f7p-9},
      {-0x1.1b95b804250e7p-1, -0x1.3c03ae2188cc0p-2, -0x1.6a70c93c30572p-3, -0x1.aaedb413a8dd2p-4,
       -0x1.01a90e7c08848p-4, -0x1.3dee9ad49c72ep-5, -0x1.900826dcfa15bp-6, -0x1.ffe5932ba61fbp-7,
       -0x1.4c291d6e521c4p-7, -0x1.b3d4fbf58ae77p-8, -0x1.2014de6963230p-8, -0x1.7e139b59fecf4p-9,
       -0x1.f9867cb55f912p-10, -0x1.4ad09b7c68902p-10, -0x1.a5d34953c250cp-11, -0x1.f89eddfa85bd2p-12},
      {0x1.69d0793969106p-2, 0x1.733b2b3761c2ep-3, 0x1.879374ce620adp-4, 0x1.a7db3c92062d0p-5,
       0x1.d5e0e8027bfa4p-6, 0x1.0a283d39e54b5p-6, 0x1.3366680aa7cdep-7, 0x1.6903b8375db26p-8,
       0x1.ade2429d4088cp-9, 0x1.02a975f55c024p-9, 0x1.395c88af4a8fcp-10, 0x1.7c50699013d22p-11,
       0x1.cb5576731f7f4p-12, 0x1.113b896c4e93ap-12, 0x1.3a4852ca90fc5p-13, 0x1.4d95737fcc581p-14},
      {-0x1.a3b5bfa14e0d8p-3, -0x1.8fc8f1c6c4427p-4, -0x1.86f7384fc9cf1p-5, -0x1.87eadc725ad54p-6,
       -0x1.91fbbd5ce1fb1p-7, -0x1.a5031e67b84e1p-8, -0x1.c13928b20564ep-9, -0x1.e7123af152ba3p-10,
       -0x1.0b883c6a62a25p-10, -0x1.28bc8beba4ab1p-11, -0x1.4ae975cbf127cp-12, -0x1.7100554f1b4fap-13,
       -0x1.9851975d0c7d5p-14, -0x1.bb0b4407d4659p-15, -0x1.cd203de1e16e9p-16, -0x1.b3919b51a0905p-17},
      {0x1.c1870516db297p-4, 0x1.8ffdd98881af5p-5, 0x1.6ce540fbf54cep-6, 0x1.54c8643404683p-7,
       0x1.454568ab157ccp-8, 0x1.3cafae51080d7p-9, 0x1.39ce25ca425bap-10, 0x1.3ba8cec5abb85p-11,
       0x1.415bd6517dd77p-12, 0x1.49e80df54e78cp-13, 0x1.53f7f27160f0fp-14, 0x1.5d8df6ff617cfp-15,
       0x1.638ab5347d5fep-16, 0x1.60e9455690dd8p-17, 0x1.4d51907934868p-18, 0x1.18fa52ab9a71ep-19},
      {-0x1.c46e39dcb618bp-5, -0x1.79c9538143241p-6, -0x1.42f662dac92d3p-7, -0x1.1a470f715f2eap-8,
       -0x1.f7acf502d266cp-10, -0x1.c9d2b1cb85747p-11, -0x1.a70bfc0d481e8p-12, -0x1.8c5ce7d437be8p-13,
       -0x1.775e26f11bc79p-14, -0x1.65f1dd7c2d557p-15, -0x1.5604684cc3e9dp-16, -0x1.455084e8bd701p-17,
       -0x1.311f4a63286bdp-18, -0x1.15f8eff3843c2p-19, -0x1.de4448c109d0bp-21, -0x1.69d63a1f64dcdp-22},
      {0x1.a99ef407bf742p-6, 0x1.4efad690d136bp-7, 0x1.0d86d60ba1bedp-8, 0x1.bad33ee4364bap-10,
       0x1.72d36a8a8f6d5p-11, 0x1.3bf6af3240b35p-12, 0x1.11522482d8d90p-13, 0x1.decd11bc1ac75p-15,
       0x1.a745d3dc2b8efp-16, 0x1.7822dc72e6b99p-17, 0x1.4e3d94ba63d9dp-18, 0x1.26e5fccbce436p-19,
       0x1.ff5699bd74461p-21, 0x1.ac66d674a9622p-22, 0x1.501f0d034dd00p-23, 0x1.c829cfbfd75afp-25},
  };
};
struct ErfcxFast8 {  // 8 intervals of [0, 6.0625], degree 10
  static constexpr double kAlpha = 0x1.1473fb82ac99ep+1, kBeta = 0x1.1bd512ec6bce8p-3;
  static constexpr double kCenter[8] = {0x1.e91c896530d6cp-3, 0x1.7765c37a43a73p-1, 0x1.43df4897f620bp+0,
                                        0x1.d84618b5c6908p+0, 0x1.3e7ef9a7d79e8p+1, 0x1.9c916c74fb992p+1,
                                        0x1.06e31f08f0f86p+2, 0x1.551c5d76cbf0ep+2};
  static constexpr double kC[11][8] = {
      {0x1.8eb533e8848d3p-1, 0x1.06c0525e516ecp-1, 0x1.7570ec791e2d7p-2, 0x1.1796c9ca45f3ap-2,
       0x1.b187116efe896p-3, 0x1.574407d98549dp-3, 0x1.119c59f2ea9d2p-3, 0x1.aa51f13910f84p-4},
      {-0x1.8349c58b0abbdp-1, -0x1.80dd7dbb65c5bp-2, -0x1.a51ee1a05ae0ap-3, -0x1.ef82be1c60be2p-4,
       -0x1.32f0d8ea145c9p-4, -0x1.8866e703f4ae7p-5, -0x1.f92c89937ad17p-6, -0x1.3590e36a7dcd1p-6},
      {0x1.3236d120165e3p-1, 0x1.e6a3d908b3010p-3, 0x1.ac3929e777d9dp-4, 0x1.9874d6216b9ffp-5,
       0x1.9d3d30dfb79bbp-6, 0x1.b11c5b08e06edp-7, 0x1.c74ef5ce105efp-8, 0x1.bab4adc3c86f0p-9},
      {-0x1.a2e0389469e8fp-2, -0x1.1348d5da85011p-3, -0x1.90a58579b191cp-5, -0x1.3ca84d5b9cc08p-6,
       -0x1.0a073ffbe9aa9p-7, -0x1.cef60fcbd79b3p-9, -0x1.913da873f5c90p-10, -0x1.37eb3f93a588cp-11},
      {0x1.00320132d81bcp-2, 0x1.1ccd495536076p-4, 0x1.5d940a7b10214p-6, 0x1.d17951ec3de82p-8,
       0x1.4910f16b0412dp-9, 0x1.e076dc410274dp-11, 0x1.5a2f0838f4e12p-12, 0x1.b15c228c331bdp-14},
      {-0x1.1e271afbdef42p-3, -0x1.11670fbf5e323p-5, -0x1.1f39f5670c006p-7, -0x1.4654ececfc317p-9,
       -0x1.8880d5203bc1ap-11, -0x1.e5262b8576991p-13, -0x1.24c2967757d44p-14, -0x1.28f84ed46ef4dp-16},
      {0x1.2808bf971598ap-4, 0x1.ec31e31f193e4p-7, 0x1.bfb4cce67a754p-9, 0x1.b6912ebee5061p-11,
       0x1.c4d36f14df605p-13, 0x1.dd8254d865e52p-15, 0x1.e5d7e6ee4c72cp-17, 0x1.91b42c181ede2p-19},
      {-0x1.1e8be0ba8abffp-5, -0x1.a299de5db3a57p-8, -0x1.4cc981b968a8ep-10, -0x1.1b84a78e16540p-12,
       -0x1.fa8102397edf1p-15, -0x1.cac451dfe105dp-17, -0x1.8bd1f19461432p-19, -0x1.0c1df0459c5f2p-21},
      {0x1.05bdfaece9850p-6, 0x1.52a05ffc25b55p-9, 0x1.da37f66708c2cp-12, 0x1.61f011d6627cap-14,
       0x1.1357d6de59c34p-16, 0x1.af001b959099dp-19, 0x1.3d0b1f8aaa8b5p-21, 0x1.61c4363ea11cfp-24},
      {-0x1.d1d220d3b7b6cp-8, -0x1.0c1e6cf7df93bp-10, -0x1.4c5e0230056d8p-13, -0x1.b4e73075ebb76p-16,
       -0x1.299ef10a2d36dp-18, -0x1.94fd48668fb57p-21, -0x1.0007e9f6a1737p-23, -0x1.df6c54f8c175bp-27},
      {0x1.8086a1633254ep-9, 0x1.8d095e61fc9e2p-12, 0x1.b6f7ab33152d1p-15, 0x1.ffa17b017d8d4p-18,
       0x1.32f7637e79c44p-20, 0x1.6cad6635b991ep-23, 0x1.8cd32e95ced2dp-26, 0x1.34bce42aa1bcep-29},
  };
};

// gelu_quantize_u8's float approximation (vmath_impl.h phi_tail), printed by `python3 fit_coefficients.py
// emitphi`; `phi` prints the fitted error (coefficients rounded to float, exact arithmetic, 300 points per
// interval): 1.3e-8 (16 intervals), 2.9e-8 (8), absolute. Q(a) = Phi(-a) = erfc(a / sqrt2) / 2 on [0, 6) in N
// equal intervals, coefficient i of interval j in kC[i][j], in powers of t = a - kCenter[j].
struct PhiTail16 {  // 16 intervals of [0, 6), degree 5
  static constexpr float kCenter[16] = {
      0x1.8p-3f,  0x1.2p-1f,  0x1.ep-1f,  0x1.5p+0f,  0x1.bp+0f,  0x1.08p+1f, 0x1.38p+1f, 0x1.68p+1f,
      0x1.98p+1f, 0x1.c8p+1f, 0x1.f8p+1f, 0x1.14p+2f, 0x1.2cp+2f, 0x1.44p+2f, 0x1.5cp+2f, 0x1.74p+2f};
  static constexpr float kC[6][16] = {
      {0x1.b3d97cp-2f, 0x1.25c5e4p-2f, 0x1.64dd9p-3f, 0x1.83cab6p-4f, 0x1.76d04ep-5f, 0x1.40ccccp-6f,
       0x1.e49ce8p-8f, 0x1.42297ap-9f, 0x1.7832eep-11f, 0x1.812f2ep-13f, 0x1.5956bcp-15f, 0x1.0ed154p-17f,
       0x1.73336p-20f, 0x1.bc513ep-23f, 0x1.d028b8p-26f, 0x1.a6f8p-29f},
      {-0x1.91661p-2f, -0x1.5cbdcp-2f, -0x1.073e62p-2f, -0x1.594762p-3f, -0x1.8977c8p-4f, -0x1.858fbcp-5f,
       -0x1.4f18bap-6f, -0x1.f4dda6p-8f, -0x1.4536f2p-9f, -0x1.6eec8ep-11f, -0x1.67acaap-13f,
       -0x1.32510ap-15f, -0x1.c54d9ep-18f, -0x1.2368fep-20f, -0x1.458532p-23f, -0x1.3bebe8p-26f},
      {0x1.2d0a62p-5f, 0x1.88532cp-4f, 0x1.ed9344p-4f, 0x1.c52d86p-4f, 0x1.4bfdf2p-4f, 0x1.91be1ap-5f,
       0x1.9867fcp-6f, 0x1.602c2p-7f, 0x1.0325acp-8f, 0x1.46c2cp-10f, 0x1.61fc5ap-12f, 0x1.4a229ep-14f,
       0x1.097692p-16f, 0x1.7083f8p-19f, 0x1.b9fcb2p-22f, 0x1.ca548ap-25f},
      {0x1.02303ap-4f, 0x1.3ddcbap-5f, 0x1.540dfap-8f, -0x1.4cae88p-6f, -0x1.e4a8bcp-6f, -0x1.a688bap-6f,
       -0x1.13fa54p-6f, -0x1.206cep-7f, -0x1.f08164p-9f, -0x1.657bc8p-10f, -0x1.b2b428p-12f, -0x1.c12916p-14f,
       -0x1.8c0e22p-16f, -0x1.2af6a6p-18f, -0x1.834b8ep-21f, -0x1.af4eccp-24f},
      {-0x1.26f314p-7f, -0x1.5c3914p-6f, -0x1.5af6c4p-6f, -0x1.818264p-7f, -0x1.1e57f8p-10f, 0x1.4b6484p-8f,
       0x1.8e3d4cp-8f, 0x1.2009b4p-8f, 0x1.3685p-9f, 0x1.0a45a2p-10f, 0x1.762206p-12f, 0x1.b5c0a6p-14f,
       0x1.aed4ecp-16f, 0x1.6713f8p-18f, 0x1.fd4c2ep-21f, 0x1.3467dap-23f},
      {-0x1.28df98p-7f, -0x1.bdf7b8p-9f, 0x1.a0ac5ap-9f, 0x1.8f8d74p-8f, 0x1.38980ep-8f, 0x1.ce4bdap-10f,
       -0x1.cadc4p-12f, -0x1.2c329cp-10f, -0x1.e9ef6ap-11f, -0x1.0d8b84p-11f, -0x1.c5a7a2p-13f,
       -0x1.322b2cp-14f, -0x1.537074p-16f, -0x1.39760ep-18f, -0x1.e69fb8p-21f, -0x1.3f7d6p-23f},
  };
};
struct PhiTail8 {  // 8 intervals of [0, 6), degree 6
  static constexpr float kCenter[8] = {0x1.8p-2f, 0x1.2p+0f,  0x1.ep+0f,  0x1.5p+1f,
                                       0x1.bp+1f, 0x1.08p+2f, 0x1.38p+2f, 0x1.68p+2f};
  static constexpr float kC[7][8] = {
      {0x1.6a527ap-2f, 0x1.0ad7dap-3f, 0x1.f20394p-6f, 0x1.1bee6cp-8f, 0x1.8301bep-12f, 0x1.36feaep-16f,
       0x1.24149ap-21f, 0x1.3eb346p-27f},
      {-0x1.7cc788p-2f, -0x1.b1ec84p-3f, -0x1.19bfa6p-4f, -0x1.a0f19ap-7f, -0x1.5f9116p-10f, -0x1.51d69ap-14f,
       -0x1.7208ccp-19f, -0x1.ce173ap-25f},
      {0x1.1d9596p-4f, 0x1.e829ecp-4f, 0x1.0823b6p-4f, 0x1.119eep-6f, 0x1.28a222p-9f, 0x1.5c5ed4p-13f,
       0x1.c2d6a4p-18f, 0x1.449a6p-23f},
      {0x1.b437c6p-5f, -0x1.32e5c6p-7f, -0x1.d88252p-6f, -0x1.99791p-7f, -0x1.3066f6p-9f, -0x1.c214f2p-13f,
       -0x1.5ce9bp-17f, -0x1.22dac4p-22f},
      {-0x1.101c68p-6f, -0x1.1a3686p-6f, 0x1.6ad8dep-9f, 0x1.62e60ep-8f, 0x1.9ee786p-10f, 0x1.96ba6ep-13f,
       0x1.854868p-17f, 0x1.8147b6p-22f},
      {-0x1.af634ap-8f, 0x1.4cea1p-8f, 0x1.ae193ap-9f, -0x1.deddfcp-11f, -0x1.7a340ap-11f, -0x1.170b88p-13f,
       -0x1.635d0ap-17f, -0x1.bc9528p-22f},
      {0x1.4fa35cp-9f, 0x1.54e966p-10f, -0x1.644abp-10f, -0x1.43444p-12f, 0x1.8d7b7ap-13f, 0x1.087b26p-14f,
       0x1.c26c3ep-18f, 0x1.57a6fap-22f},
  };
};

}  // namespace sparrow::kernels::vmath
