/** The Store this project was generated with: Prisma. */
export { openStore } from "./prisma.js";
