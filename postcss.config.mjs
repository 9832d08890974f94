// Tailwind 4 runs as a PostCSS plugin; there is no tailwind.config file.
export default {
  plugins: { '@tailwindcss/postcss': {} },
};
