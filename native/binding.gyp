{
  "targets": [
    {
      "target_name": "swarm_index",
      "sources": [
        "src/binding.cc",
        "src/posting_list.cc",
        "src/trigram_index.cc",
        "src/trigram_query.cc",
        "src/blocks.cc",
        "src/literal_finder.cc",
        "src/line_scan.cc",
        "src/line_windows.cc",
        "src/index_wrap.cc"
      ],
      "include_dirs": ["<!(node -p \"require('node-addon-api').include_dir\")"],
      "defines": ["NAPI_VERSION=8", "NAPI_DISABLE_CPP_EXCEPTIONS"],
      "cflags!": ["-fno-exceptions"],
      "cflags_cc!": ["-fno-exceptions"],
      "cflags_cc": ["-std=c++17", "-O3"],
      "xcode_settings": {
        "GCC_ENABLE_CPP_EXCEPTIONS": "YES",
        "CLANG_CXX_LANGUAGE_STANDARD": "c++17",
        "MACOSX_DEPLOYMENT_TARGET": "10.15"
      },
      "msvs_settings": { "VCCLCompilerTool": { "ExceptionHandling": 1 } }
    }
  ]
}
