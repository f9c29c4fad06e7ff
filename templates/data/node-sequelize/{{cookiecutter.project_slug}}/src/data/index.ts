/** The Store this project was generated with: Sequelize. */
export { openStore } from "./sequelize.js";
