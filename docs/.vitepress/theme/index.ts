import DefaultTheme from "vitepress/theme";
import type { Theme } from "vitepress";
import OpDtypes from "./OpDtypes.vue";
import Sample from "./Sample.vue";
import "./sample.css";

export default {
  extends: DefaultTheme,
  enhanceApp({ app }) {
    app.component("Sample", Sample);
    app.component("OpDtypes", OpDtypes);
  },
} satisfies Theme;
