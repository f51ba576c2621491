-- One database per service instance.
CREATE DATABASE skk_portal;
CREATE DATABASE skk_siki;
CREATE DATABASE skk_lsp_a;
CREATE DATABASE skk_lsp_b;
CREATE DATABASE skk_bnsp;
CREATE DATABASE skk_lpjk;
